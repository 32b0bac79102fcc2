package dev.parley.logs;

import dev.parley.Main;
import dev.parley.ParleyConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code PARLEY_LOG_FORMAT}: read like every setting, and refused at start when it names no format. */
class LogFormatSettingTest {

  @Test
  void textIsTheDefault() {
    assertThat(ParleyConfig.from(new JsonObject(), Map.of()).logFormat()).isEqualTo(LogFormat.TEXT);
  }

  @Test
  void jsonIsChosenByTheEnvironmentOrByTheConfigFileInEitherCase() {
    assertThat(ParleyConfig.from(new JsonObject(), Map.of(ParleyConfig.LOG_FORMAT, "json")).logFormat())
        .isEqualTo(LogFormat.JSON);
    assertThat(ParleyConfig.from(new JsonObject().put(ParleyConfig.LOG_FORMAT, "JSON"), Map.of()).logFormat())
        .isEqualTo(LogFormat.JSON);
    assertThat(ParleyConfig.from(new JsonObject().put(ParleyConfig.LOG_FORMAT, "json"), Map.of(ParleyConfig.LOG_FORMAT, "text"))
        .logFormat()).as("the environment wins over the file").isEqualTo(LogFormat.TEXT);
  }

  @Test
  void anyOtherValueIsAConfigurationErrorThatNamesTheChoices() {
    assertThatThrownBy(() -> ParleyConfig.from(new JsonObject(), Map.of(ParleyConfig.LOG_FORMAT, "yaml")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PARLEY_LOG_FORMAT must be text or json, got 'yaml'");
  }

  /** The process itself, with the production logging configuration: a wrong value stops it at start. */
  @Test
  void parleyDoesNotStartWithAnUnknownLogFormat() throws Exception {
    Run run = main(Map.of(ParleyConfig.LOG_FORMAT, "yaml"));

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.output()).contains("configuration error: PARLEY_LOG_FORMAT must be text or json, got 'yaml'");
  }

  /** The environment variable is read before the configuration is: even a configuration error is a JSON line. */
  @Test
  void withJsonChosenInTheEnvironmentEvenTheFirstLineIsJson() throws Exception {
    Run run = main(Map.of(ParleyConfig.LOG_FORMAT, "json", ParleyConfig.HTTP_PORT, "eighty"));

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.output().lines().toList()).singleElement().satisfies(line -> {
      JsonObject json = new JsonObject(line);
      assertThat(json.getString("level")).isEqualTo("ERROR");
      assertThat(json.getString("logger")).isEqualTo(Main.class.getName());
      assertThat(json.getString("message"))
          .isEqualTo("configuration error: PARLEY_HTTP_PORT must be a whole number, got 'eighty'");
    });
  }

  record Run(int status, String output) {
  }

  /** Runs {@link Main} in a child JVM with the logging configuration it ships with, and this environment. */
  private static Run main(Map<String, String> env) throws Exception {
    Path out = Files.createTempFile("parley-main", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String logback = Path.of(Main.class.getResource("/logback.xml").toURI()).toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Dlogback.configurationFile=" + logback,
        "-cp", System.getProperty("java.class.path"), Main.class.getName()))
        .redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("PARLEY_"));
    pb.environment().put("PARLEY_CONFIG", out.resolveSibling("no-such-parley.json").toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    assertThat(ended).as("Parley ended; its output: " + Files.readString(out)).isTrue();
    return new Run(p.exitValue(), Files.readString(out));
  }
}
