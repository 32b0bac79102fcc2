package dev.parley;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests under {@code deploy/kubernetes} read as an operator's cluster would run them: every
 * setting they give is one Parley reads, the probes and the grace period fit the node's drain, and the
 * pods run as the image's unprivileged user. Parsed only; no cluster is needed.
 */
class KubernetesManifestsTest {

  static final Path DIR = Path.of("deploy/kubernetes");
  static final Pattern SETTING = Pattern.compile("PARLEY_[A-Z0-9_]+");

  /** Every YAML document of every file, with the file it came from. */
  static List<Document> documents;

  record Document(Path file, Map<String, Object> body) {
    String kind() {
      return (String) body.get("kind");
    }

    String name() {
      return (String) map(body, "metadata").get("name");
    }
  }

  @BeforeAll
  static void readEveryManifest() throws IOException {
    documents = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(DIR)) {
      files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path file : files) {
      try (Reader in = Files.newBufferedReader(file)) {
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
          if (doc != null) {
            documents.add(new Document(file, asMap(doc)));
          }
        }
      }
    }
    assertThat(documents).as("YAML documents under " + DIR).isNotEmpty();
  }

  @Test
  void everyParleySettingTheManifestsGiveIsOneParleyReads() {
    Set<String> given = new TreeSet<>();
    for (Document doc : documents) {
      collectSettings(doc.body(), given);
    }

    assertThat(given).as("settings given in " + DIR).isNotEmpty();
    assertThat(given).as("settings given in " + DIR + " that ParleyConfig does not know")
        .isSubsetOf(settingsParleyReads());
  }

  @Test
  void theConfigMapHoldsOnlyTextValuesAndTheSecretOnlyTheSecretSettings() {
    Map<String, Object> config = map(one("ConfigMap", "parley-config").body(), "data");
    assertThat(config.values()).as("ConfigMap values must be strings for the API server").allMatch(v -> v instanceof String);
    assertThat(config).doesNotContainKeys(ParleyConfig.DB_URL, ParleyConfig.DB_OWNER_URL, ParleyConfig.SMTP_PASSWORD,
        ParleyConfig.IMAP_PASSWORD, ParleyConfig.INBOUND_SECRET);

    Map<String, Object> secret = map(one("Secret", "parley-secrets").body(), "stringData");
    assertThat(secret).containsOnlyKeys(ParleyConfig.DB_URL, ParleyConfig.DB_OWNER_URL, ParleyConfig.SMTP_PASSWORD,
        ParleyConfig.IMAP_PASSWORD, ParleyConfig.INBOUND_SECRET);
    assertThat(secret.values()).as("the example Secret holds placeholders only")
        .allSatisfy(v -> assertThat((String) v).contains("CHANGE-ME"));
  }

  @Test
  void theProbesAskReadyAndHealthOnTheHttpPort() {
    Map<String, Object> container = parleyContainer();
    int httpPort = Integer.parseInt(configValue(ParleyConfig.HTTP_PORT));
    assertThat(namedPort(container, "http")).isEqualTo(httpPort);

    assertThat(probe(container, "readinessProbe")).isEqualTo(Map.of("path", "/ready", "port", "http"));
    assertThat(probe(container, "livenessProbe")).isEqualTo(Map.of("path", "/health", "port", "http"));
    assertThat(probe(container, "startupProbe")).isEqualTo(Map.of("path", "/health", "port", "http"));
  }

  @Test
  void theGracePeriodOutlastsThePreStopPauseAndTheDrain() {
    Map<String, Object> pod = podSpec();
    int grace = (Integer) pod.get("terminationGracePeriodSeconds");
    int drain = Integer.parseInt(configValue(ParleyConfig.SHUTDOWN_SECONDS));
    List<?> preStop = list(map(map(map(parleyContainer(), "lifecycle"), "preStop"), "exec"), "command");
    int pause = preStop.get(0).equals("sleep") ? Integer.parseInt((String) preStop.get(1)) : 0;

    assertThat(grace).isGreaterThan(drain);
    assertThat(grace).isGreaterThan(pause + drain);
  }

  @Test
  void theHeadlessServiceIsTheOneHazelcastIsToldToDiscover() {
    String service = configValue(ParleyConfig.CLUSTER_K8S_SERVICE);
    assertThat(configValue(ParleyConfig.CLUSTER_DISCOVERY)).isEqualTo("kubernetes");
    assertThat(configValue(ParleyConfig.CLUSTER)).isEqualTo("true");
    Map<String, Object> spec = map(one("Service", service).body(), "spec");

    assertThat(spec.get("clusterIP")).isEqualTo("None");
    assertThat(spec.get("publishNotReadyAddresses")).isEqualTo(true);
    assertThat(podLabels()).containsAllEntriesOf(map(spec, "selector"));
    Map<String, Object> port = asMap(list(spec, "ports").get(0));
    assertThat(port.get("port")).isEqualTo(Integer.parseInt(configValue(ParleyConfig.CLUSTER_PORT)));
    assertThat(namedPort(parleyContainer(), (String) port.get("targetPort"))).isEqualTo(port.get("port"));
  }

  @Test
  void eachPodAnnouncesItsOwnAddressToTheCluster() {
    Map<String, Object> env = envEntry(ParleyConfig.CLUSTER_HOST);
    assertThat(map(map(env, "valueFrom"), "fieldRef").get("fieldPath")).isEqualTo("status.podIP");
  }

  @Test
  void thePodsServiceAccountMayListWhatKubernetesDiscoveryReads() {
    String account = (String) podSpec().get("serviceAccountName");
    Document binding = one("RoleBinding", null);
    assertThat(list(binding.body(), "subjects")).anySatisfy(s ->
        assertThat(asMap(s)).containsEntry("kind", "ServiceAccount").containsEntry("name", account));
    Document role = one("Role", (String) map(binding.body(), "roleRef").get("name"));
    Set<String> readable = new TreeSet<>();
    for (Object rule : list(role.body(), "rules")) {
      if (list(asMap(rule), "verbs").containsAll(List.of("get", "list"))) {
        list(asMap(rule), "resources").forEach(r -> readable.add((String) r));
      }
    }
    assertThat(readable).contains("endpoints", "pods", "services");
    assertThat(one("ServiceAccount", account)).isNotNull();
  }

  @Test
  void theDisruptionBudgetCoversTheDeploymentsPodsOneAtATime() {
    Map<String, Object> spec = map(one("PodDisruptionBudget", null).body(), "spec");
    assertThat(spec.get("maxUnavailable")).isEqualTo(1);
    assertThat(podLabels()).containsAllEntriesOf(map(map(spec, "selector"), "matchLabels"));
    assertThat((Integer) map(deployment(), "spec").get("replicas")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void thePodsRunAsTheImagesUnprivilegedUserOnAReadOnlyRoot() throws IOException {
    Matcher uid = Pattern.compile("--uid (\\d+)").matcher(Files.readString(Path.of("Dockerfile")));
    assertThat(uid.find()).as("the Dockerfile creates its user with --uid").isTrue();
    Map<String, Object> pod = map(podSpec(), "securityContext");
    assertThat(pod).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", Integer.parseInt(uid.group(1)));

    Map<String, Object> container = map(parleyContainer(), "securityContext");
    assertThat(container).containsEntry("readOnlyRootFilesystem", true).containsEntry("allowPrivilegeEscalation", false);
    assertThat(list(map(container, "capabilities"), "drop")).contains("ALL");

    Map<String, String> writable = new java.util.HashMap<>();
    for (Object mount : list(parleyContainer(), "volumeMounts")) {
      Map<String, Object> m = asMap(mount);
      if (!Boolean.TRUE.equals(m.get("readOnly"))) {
        writable.put((String) m.get("mountPath"), (String) m.get("name"));
      }
    }
    assertThat(writable).containsKeys(configValue(ParleyConfig.DATA_DIR), "/tmp");
    Set<String> emptyDirs = list(podSpec(), "volumes").stream().map(KubernetesManifestsTest::asMap)
        .filter(v -> v.containsKey("emptyDir")).map(v -> (String) v.get("name")).collect(Collectors.toSet());
    assertThat(emptyDirs).contains(writable.get(configValue(ParleyConfig.DATA_DIR)), writable.get("/tmp"));
  }

  @Test
  void theMetricsPortIsScrapedInsideTheClusterAndNeverServedPublicly() {
    int metrics = Integer.parseInt(configValue(ParleyConfig.METRICS_PORT));
    assertThat(namedPort(parleyContainer(), "metrics")).isEqualTo(metrics);

    Map<String, Object> publicService = map(one("Service", "parley").body(), "spec");
    assertThat(list(publicService, "ports")).extracting(p -> asMap(p).get("targetPort")).containsExactly("http");
    for (Object p : list(map(one("Ingress", null).body(), "spec"), "rules")) {
      assertThat(list(map(asMap(p), "http"), "paths")).allSatisfy(path ->
          assertThat(map(map(asMap(path), "backend"), "service")).containsEntry("name", "parley"));
    }
    Map<String, Object> scraped = map(one("Service", "parley-metrics").body(), "spec");
    assertThat(scraped.getOrDefault("type", "ClusterIP")).isEqualTo("ClusterIP");
    assertThat(list(scraped, "ports")).extracting(p -> asMap(p).get("targetPort")).containsExactly("metrics");
  }

  @Test
  void applyingTheDirectoryAppliesEveryManifestButTheExamples() throws IOException {
    Document kustomization = documents.stream().filter(d -> d.file().endsWith("kustomization.yaml")).findFirst().orElseThrow();
    Set<String> listed = list(kustomization.body(), "resources").stream().map(String.class::cast).collect(Collectors.toSet());
    Set<String> files;
    try (Stream<Path> list = Files.list(DIR)) {
      files = list.map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".yaml") && !f.endsWith(".example.yaml") && !f.equals("kustomization.yaml"))
          .collect(Collectors.toSet());
    }
    assertThat(listed).isEqualTo(files);

    // what the Deployment refers to: the ConfigMap in the kustomization, the Secrets made by the operator
    List<String> fromSecrets = list(parleyContainer(), "envFrom").stream().map(KubernetesManifestsTest::asMap)
        .filter(e -> e.containsKey("secretRef")).map(e -> (String) map(e, "secretRef").get("name")).toList();
    assertThat(fromSecrets).containsExactly(one("Secret", "parley-secrets").name());
  }

  /** The names ParleyConfig reads: its public String constants that are settings, not values. */
  static Set<String> settingsParleyReads() {
    Set<String> names = new TreeSet<>();
    for (Field f : ParleyConfig.class.getFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
        try {
          String value = (String) f.get(null);
          if (SETTING.matcher(value).matches()) {
            names.add(value);
          }
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return names;
  }

  /** Every map key that looks like a setting, and every {@code name:} of an env entry that does. */
  private static void collectSettings(Object node, Set<String> out) {
    if (node instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (e.getKey() instanceof String k && k.startsWith("PARLEY_")) {
          out.add(k);
        }
        if ("name".equals(e.getKey()) && e.getValue() instanceof String v && v.startsWith("PARLEY_")) {
          out.add(v);
        }
        collectSettings(e.getValue(), out);
      }
    } else if (node instanceof List<?> l) {
      l.forEach(item -> collectSettings(item, out));
    }
  }

  private static Document one(String kind, String name) {
    List<Document> found = documents.stream()
        .filter(d -> kind.equals(d.kind()) && (name == null || name.equals(d.name()))).toList();
    assertThat(found).as(kind + (name == null ? "" : " " + name)).hasSize(1);
    return found.get(0);
  }

  private static Map<String, Object> deployment() {
    return one("Deployment", "parley").body();
  }

  private static Map<String, Object> podSpec() {
    return map(map(map(deployment(), "spec"), "template"), "spec");
  }

  private static Map<String, Object> podLabels() {
    Map<String, Object> labels = map(map(map(map(deployment(), "spec"), "template"), "metadata"), "labels");
    assertThat(labels).containsAllEntriesOf(map(map(map(deployment(), "spec"), "selector"), "matchLabels"));
    return labels;
  }

  private static Map<String, Object> parleyContainer() {
    return list(podSpec(), "containers").stream().map(KubernetesManifestsTest::asMap)
        .filter(c -> "parley".equals(c.get("name"))).findFirst().orElseThrow();
  }

  private static Map<String, Object> envEntry(String name) {
    return list(parleyContainer(), "env").stream().map(KubernetesManifestsTest::asMap)
        .filter(e -> name.equals(e.get("name"))).findFirst().orElseThrow(() -> new AssertionError("no env " + name));
  }

  private static String configValue(String key) {
    Object value = map(one("ConfigMap", "parley-config").body(), "data").get(key);
    assertThat(value).as(key + " in the ConfigMap").isNotNull();
    return (String) value;
  }

  private static int namedPort(Map<String, Object> container, String name) {
    return list(container, "ports").stream().map(KubernetesManifestsTest::asMap)
        .filter(p -> name.equals(p.get("name"))).map(p -> (Integer) p.get("containerPort"))
        .findFirst().orElseThrow(() -> new AssertionError("no container port named " + name));
  }

  private static Map<String, Object> probe(Map<String, Object> container, String which) {
    return map(map(container, which), "httpGet");
  }

  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object child = parent.get(key);
    assertThat(child).as(key).isInstanceOf(Map.class);
    return asMap(child);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Map<String, Object> parent, String key) {
    Object child = parent.get(key);
    assertThat(child).as(key).isInstanceOf(List.class);
    return (List<Object>) child;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object node) {
    return (Map<String, Object>) node;
  }
}
