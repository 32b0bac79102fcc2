package dev.parley.realtime;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.parley.ParleyConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Hazelcast configuration a node builds from the shipped {@code conf/cluster.xml}: the members
 * listed by default, the pods behind a headless Service on Kubernetes. No member is started.
 */
class ClusterDiscoveryTest {

  @Test
  void onKubernetesTheNodeFindsThePodsBehindTheHeadlessServiceAndListsNoMembers() throws Exception {
    JoinConfig join = hazelcast(Map.of(
        ParleyConfig.CLUSTER_DISCOVERY, "kubernetes",
        ParleyConfig.CLUSTER_K8S_SERVICE, "parley-hazelcast",
        ParleyConfig.CLUSTER_K8S_NAMESPACE, "parley",
        ParleyConfig.CLUSTER_HOST, "10.42.0.17")).getNetworkConfig().getJoin();

    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-name")).isEqualTo("parley-hazelcast");
    assertThat(join.getKubernetesConfig().getProperty("namespace")).isEqualTo("parley");
    assertThat(join.getKubernetesConfig().getProperty("resolve-not-ready-addresses")).isEqualTo("true");
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().getMembers()).isEmpty();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    join.verify();
  }

  @Test
  void onKubernetesWithoutANamespaceHazelcastUsesThePodsOwn() throws Exception {
    JoinConfig join = hazelcast(Map.of(
        ParleyConfig.CLUSTER_DISCOVERY, "kubernetes",
        ParleyConfig.CLUSTER_K8S_SERVICE, "parley-hazelcast")).getNetworkConfig().getJoin();

    assertThat(join.getKubernetesConfig().getProperties()).doesNotContainKey("namespace");
  }

  @Test
  void theNodeBindsTheClusterToThePodAddressItIsGiven() throws Exception {
    Config config = hazelcast(Map.of(
        ParleyConfig.CLUSTER_DISCOVERY, "kubernetes",
        ParleyConfig.CLUSTER_K8S_SERVICE, "parley-hazelcast",
        ParleyConfig.CLUSTER_HOST, "10.42.0.17",
        ParleyConfig.CLUSTER_PORT, "5701"));

    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.42.0.17");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5701);
  }

  @Test
  void byDefaultTheNodeJoinsTheMembersListedAndNotKubernetes() throws Exception {
    JoinConfig join = hazelcast(Map.of(
        ParleyConfig.CLUSTER_MEMBERS, "10.0.0.1:5701,10.0.0.2:5701")).getNetworkConfig().getJoin();

    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
  }

  @Test
  void kubernetesDiscoveryWithoutAServiceRefusesToStartNamingTheSetting() {
    assertThatThrownBy(() -> hazelcast(Map.of(ParleyConfig.CLUSTER_DISCOVERY, "kubernetes")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(ParleyConfig.CLUSTER_K8S_SERVICE);
  }

  @Test
  void anUnknownDiscoveryIsRefusedNamingTheChoices() {
    assertThatThrownBy(() -> hazelcast(Map.of(ParleyConfig.CLUSTER_DISCOVERY, "multicast")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(ParleyConfig.CLUSTER_DISCOVERY + " must be one of tcp, kubernetes, got 'multicast'");
  }

  /** The Hazelcast configuration of a clustered node with these settings and the shipped cluster.xml. */
  private static Config hazelcast(Map<String, String> settings) throws Exception {
    Map<String, String> env = new HashMap<>(settings);
    env.put(ParleyConfig.CLUSTER, "true");
    env.put(ParleyConfig.CLUSTER_CONFIG, "conf/cluster.xml");
    return Cluster.hazelcast(ParleyConfig.from(new JsonObject(), env));
  }
}
