package dev.parley.web;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

/**
 * One person's browser: Debian's headless Chromium driven by its chromedriver, with a fresh profile,
 * pointed at a running Parley node.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final Duration WAIT = Duration.ofSeconds(20);

  final String name;
  final String baseUrl;
  final ChromeDriver driver;
  private final Path profile;

  private Browser(String name, String baseUrl, ChromeDriver driver, Path profile) {
    this.name = name;
    this.baseUrl = baseUrl;
    this.driver = driver;
    this.profile = profile;
  }

  static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  /**
   * Skips the calling test class, outside CI, when Chromium is missing or the browser app was not
   * bundled; on CI both must be there.
   */
  static void assumeUsable() {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (!ci) {
      org.junit.jupiter.api.Assumptions.assumeTrue(available(), "Debian's chromium and chromium-driver are not installed");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(bundled() || ci,
        "the browser app was not bundled (the Maven build bundles it unless -DskipWebBuild=true)");
  }

  /** Whether the build bundled the app: its page names a hashed script ({@code /app-<hash>.js}). */
  static boolean bundled() {
    try (java.io.InputStream page = Browser.class.getResourceAsStream("/public/index.html")) {
      return page != null && new String(page.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).contains("src=\"/app-");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  static Browser open(String name, String baseUrl) {
    try {
      Path profile = Files.createTempDirectory("parley-chromium");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
          "--no-default-browser-check", "--disable-extensions", "--lang=en-US", "--force-device-scale-factor=1",
          "--window-size=1280,900", "--user-data-dir=" + profile);
      options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(CHROMEDRIVER.toFile())
          .usingAnyFreePort()
          .build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
      return new Browser(name, baseUrl, driver, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Signs in through the sign-in page and waits for the inbox. */
  Browser signIn(String email, String password) {
    driver.get(baseUrl + "/#/inbox");
    WebElement emailField = waitFor(By.cssSelector(".signin-form input[name=email]"));
    emailField.clear();
    emailField.sendKeys(email);
    WebElement passwordField = driver.findElement(By.cssSelector(".signin-form input[name=password]"));
    passwordField.clear();
    passwordField.sendKeys(password);
    driver.findElement(By.cssSelector(".signin-form button[type=submit]")).click();
    waitFor(By.cssSelector("main#main[data-loaded=true] #thread-list"));
    return this;
  }

  /** Waits until the live connection to the event bus is open. */
  void waitLive() {
    until(d -> "open".equals(js("return document.documentElement.dataset.live || ''")));
  }

  void go(String hash) {
    js("location.hash = arguments[0]", hash);
  }

  WebElement waitFor(By by) {
    return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  <T> T until(ExpectedCondition<T> condition) {
    return until(WAIT, condition);
  }

  <T> T until(Duration timeout, ExpectedCondition<T> condition) {
    return new WebDriverWait(driver, timeout).ignoring(StaleElementReferenceException.class).until(condition);
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Marks the current page so that a later check can tell it was never reloaded. */
  void markPage() {
    js("window.__parleyPageMark = 'kept'");
  }

  boolean pageKept() {
    return "kept".equals(js("return window.__parleyPageMark || ''"));
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  Path screenshot(String file) {
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Path target = SCREENSHOTS.resolve(file);
      Files.createDirectories(target.getParent());
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static final Path AXE = Path.of("webroot", "node_modules", "axe-core", "axe.min.js");

  /** axe-core's findings on the current page (impact, rule and the first elements), or null without axe. */
  List<String> accessibilityProblems() {
    if (!Files.isReadable(AXE)) {
      return null;
    }
    try {
      js(Files.readString(AXE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Object found = ((JavascriptExecutor) driver).executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        // a toast that is fading out is half transparent for a moment: its contrast then is not what a
        // reader meets, and measuring it made the outcome depend on timing
        axe.run({ exclude: [['.toast.leaving']] }, { resultTypes: ['violations'] })
          .then((r) => done(r.violations.map((v) => v.impact + ' ' + v.id + ': ' + v.help + ' at '
            + v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', '))))
          .catch((e) => done(['axe failed: ' + e]));
        """);
    @SuppressWarnings("unchecked")
    List<String> problems = (List<String>) found;
    return problems;
  }

  /** Errors the page wrote to its console (uncaught exceptions, failed requests). */
  List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /**
   * After a test: keeps each browser's last screen as {@code last/<test>-<name>.png}, prints what its
   * console complained of, and closes it.
   */
  static void closeAll(List<Browser> browsers, String test) {
    for (Browser b : browsers) {
      try {
        b.screenshot("last/" + test + "-" + b.name + ".png");
      } catch (RuntimeException e) {
        System.err.println("no last screenshot of " + b.name + ": " + e);
      }
      List<String> errors = b.consoleErrors();
      if (!errors.isEmpty()) {
        System.err.println("console errors in " + b.name + "'s browser: " + String.join("\n  ", errors));
      }
      b.close();
    }
    browsers.clear();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp folder left behind is harmless
      }
    }
  }
}
