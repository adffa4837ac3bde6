package io.stableserve.observe.prometheus;

import io.stableserve.observe.prometheus.PrometheusSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrometheusSourceTest {

  static final URI URL = URI.create("http://prometheus:9090");

  @Test
  void defaultsAreTenSecondsFiveMinutesAndATenthOfTheWindow() {
    PrometheusSource c = PrometheusSource.of(URL, "{model_name=\"m\"}");
    assertThat(c.selector()).isEqualTo("model_name=\"m\"");
    assertThat(c.matchers()).isEqualTo("{model_name=\"m\"}");
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.window()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.resolution()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.withWindow(Duration.ofMinutes(10)).resolution()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void theTokenNeverShowsInToString() {
    assertThat(PrometheusSource.of(URL, "").withBearerToken("s3cret").toString()).doesNotContain("s3cret").contains("token set");
  }

  @Test
  void badSettingsAreRefusedNamingWhatToFix() {
    assertThatThrownBy(() -> PrometheusSource.of(URI.create("prometheus:9090"), "")).hasMessageContaining("absolute http or https URL");
    assertThatThrownBy(() -> PrometheusSource.of(URL, "rate(x[5m])").withWindow(Duration.ofMinutes(1)))
        .hasMessageContaining("label matchers");
    assertThatThrownBy(() -> PrometheusSource.of(URL, "").withWindow(Duration.ZERO)).hasMessageContaining("window must be positive");
    assertThatThrownBy(() -> PrometheusSource.of(URL, "").withResolution(Duration.ofHours(1))).hasMessageContaining("must not be longer");
    assertThatThrownBy(() -> PrometheusSource.of(URL, "").withOverride(Signal.ARRIVALS, " ")).hasMessageContaining("non-empty query");
  }

  @Test
  void durationsReadAsPrometheusWritesThem() {
    assertThat(PrometheusSource.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(PrometheusSource.parseDuration("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(PrometheusSource.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
    assertThat(PrometheusSource.promDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(PrometheusSource.promDuration(Duration.ofMinutes(5))).isEqualTo("300s");
    assertThatThrownBy(() -> PrometheusSource.parseDuration("5 minutes")).hasMessageContaining("not a duration");
  }

  @Test
  void signalsParseInEitherSpelling() {
    assertThat(Signal.parse("kv-cache-usage")).isEqualTo(Signal.KV_CACHE_USAGE);
    assertThat(Signal.parse("ARRIVALS")).isEqualTo(Signal.ARRIVALS);
    assertThatThrownBy(() -> Signal.parse("qps")).hasMessageContaining("unknown signal 'qps'").hasMessageContaining("arrivals");
  }
}
