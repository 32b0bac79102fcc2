package dev.parley.realtime;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import dev.parley.ParleyConfig;

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
 */
public final class Cluster {

  private Cluster() {
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
    try (InputStream in = Files.newInputStream(file)) {
      return new XmlConfigBuilder(in).setProperties(values).build();
    }
  }
}
