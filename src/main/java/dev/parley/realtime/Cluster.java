package dev.parley.realtime;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.config.XmlConfigBuilder;
import dev.parley.ParleyConfig;
import dev.parley.Topics;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The Hazelcast configuration of a clustered node, read from {@code conf/cluster.xml} (or the file
 * named by {@value ParleyConfig#CLUSTER_CONFIG}). The file may use {@code ${parley.cluster.host}},
 * {@code ${parley.cluster.port}} and {@code ${parley.cluster.members}}, filled from the configuration
 * keys {@code PARLEY_CLUSTER_HOST}, {@code PARLEY_CLUSTER_PORT} and {@code PARLEY_CLUSTER_MEMBERS}.
 * With {@code PARLEY_CLUSTER_DISCOVERY=kubernetes} the file's join is replaced by Kubernetes discovery,
 * so the image's file serves a pod unchanged. Also the node's word to itself that another node left.
 */
public final class Cluster {

  private Cluster() {
  }

  /**
   * Publishes {@link Topics#NODE_LEFT} on this node's own bus whenever another node leaves the
   * cluster (stopped or gone silent): between its commit and its publish a change reaches nobody.
   */
  public static void announceDepartures(Vertx vertx, HazelcastClusterManager manager) {
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        vertx.eventBus().publish(Topics.NODE_LEFT, event.getMember().getUuid().toString(),
            new DeliveryOptions().setLocalOnly(true));
      }
    });
  }

  public static Config hazelcast(ParleyConfig config) throws IOException {
    Path file = config.clusterConfig();
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(ParleyConfig.CLUSTER + " is on but the cluster configuration " + file
          + " is missing; set " + ParleyConfig.CLUSTER_CONFIG + " to its path");
    }
    Properties values = new Properties();
    values.setProperty("parley.cluster.host", config.clusterHost());
    values.setProperty("parley.cluster.port", Integer.toString(config.clusterPort()));
    String members = config.clusterMembers().isBlank()
        ? config.clusterHost() + ":" + config.clusterPort() : config.clusterMembers();
    values.setProperty("parley.cluster.members", members);
    Config hazelcast;
    try (InputStream in = Files.newInputStream(file)) {
      hazelcast = new XmlConfigBuilder(in).setProperties(values).build();
    }
    if (config.clusterDiscovery().kubernetes()) {
      joinByKubernetes(hazelcast.getNetworkConfig().getJoin(), config.clusterDiscovery());
    }
    return hazelcast;
  }

  /**
   * The other members are the pods behind the headless Service, read from the Kubernetes API (the
   * pod's service account needs get and list on endpoints, endpoint slices, pods and services).
   * Pods that are not ready count too: a node joins the cluster before it can answer /ready, and
   * two starting pods that ignored each other would form two clusters.
   */
  private static void joinByKubernetes(JoinConfig join, ParleyConfig.ClusterDiscovery discovery) {
    String service = discovery.k8sService().orElseThrow(() -> new IllegalStateException(
        ParleyConfig.CLUSTER_DISCOVERY + " is kubernetes but " + ParleyConfig.CLUSTER_K8S_SERVICE
            + " does not name the headless Service of the cluster port"));
    join.getTcpIpConfig().setEnabled(false).clear();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    KubernetesConfig kubernetes = join.getKubernetesConfig().setEnabled(true)
        .setProperty("service-name", service)
        .setProperty("resolve-not-ready-addresses", "true");
    discovery.k8sNamespace().ifPresent(namespace -> kubernetes.setProperty("namespace", namespace));
  }
}
