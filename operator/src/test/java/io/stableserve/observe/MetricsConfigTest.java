package io.stableserve.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsConfigTest {

  static final URI URL = URI.create("http://prometheus:9090");

  @Test
  void defaultsAreTenSecondsFiveMinutesAndATenthOfTheWindow() {
    MetricsConfig c = MetricsConfig.of(URL, "{model_name=\"m\"}");
    assertThat(c.selector()).isEqualTo("model_name=\"m\"");
    assertThat(c.matchers()).isEqualTo("{model_name=\"m\"}");
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.window()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.resolution()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.withWindow(Duration.ofMinutes(10)).resolution()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void theTokenNeverShowsInToString() {
    assertThat(MetricsConfig.of(URL, "").withBearerToken("s3cret").toString()).doesNotContain("s3cret").contains("token set");
  }

  @Test
  void badSettingsAreRefusedNamingWhatToFix() {
    assertThatThrownBy(() -> MetricsConfig.of(URI.create("prometheus:9090"), "")).hasMessageContaining("absolute http or https URL");
    assertThatThrownBy(() -> MetricsConfig.of(URL, "rate(x[5m])").withWindow(Duration.ofMinutes(1)))
        .hasMessageContaining("label matchers");
    assertThatThrownBy(() -> MetricsConfig.of(URL, "").withWindow(Duration.ZERO)).hasMessageContaining("window must be positive");
    assertThatThrownBy(() -> MetricsConfig.of(URL, "").withResolution(Duration.ofHours(1))).hasMessageContaining("must not be longer");
    assertThatThrownBy(() -> MetricsConfig.of(URL, "").withOverride(Signal.ARRIVALS, " ")).hasMessageContaining("non-empty query");
  }

  @Test
  void durationsReadAsPrometheusWritesThem() {
    assertThat(MetricsConfig.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(MetricsConfig.parseDuration("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(MetricsConfig.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
    assertThat(MetricsConfig.promDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(MetricsConfig.promDuration(Duration.ofMinutes(5))).isEqualTo("300s");
    assertThatThrownBy(() -> MetricsConfig.parseDuration("5 minutes")).hasMessageContaining("not a duration");
  }

  @Test
  void signalsParseInEitherSpelling() {
    assertThat(Signal.parse("kv-cache-usage")).isEqualTo(Signal.KV_CACHE_USAGE);
    assertThat(Signal.parse("ARRIVALS")).isEqualTo(Signal.ARRIVALS);
    assertThatThrownBy(() -> Signal.parse("qps")).hasMessageContaining("unknown signal 'qps'").hasMessageContaining("arrivals");
  }
}
