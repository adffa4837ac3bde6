package io.stableserve.observe.prometheus;

import io.stableserve.observe.ObservationWindow;

import io.stableserve.observe.Signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrometheusSourceTest {

  static final URI URL = URI.create("http://prometheus:9090");

  @Test
  void defaultsAreTenSecondsAndAWindowOfATenthResolution() {
    PrometheusSource c = PrometheusSource.of(URL, "{model_name=\"m\"}");
    assertThat(c.selector()).isEqualTo("model_name=\"m\"");
    assertThat(c.matchers()).isEqualTo("{model_name=\"m\"}");
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(10));
    ObservationWindow w = ObservationWindow.of(ObservationWindow.DEFAULT_LENGTH);
    assertThat(w.length()).isEqualTo(Duration.ofMinutes(5));
    assertThat(w.resolution()).isEqualTo(Duration.ofSeconds(30));
    assertThat(ObservationWindow.of(Duration.ofMinutes(10)).resolution()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void theTokenNeverShowsInToString() {
    assertThat(PrometheusSource.of(URL, "").withBearerToken("s3cret").toString()).doesNotContain("s3cret").contains("token set");
  }

  @Test
  void badSettingsAreRefusedNamingWhatToFix() {
    assertThatThrownBy(() -> PrometheusSource.of(URI.create("prometheus:9090"), "")).hasMessageContaining("absolute http or https URL");
    assertThatThrownBy(() -> PrometheusSource.of(URL, "rate(x[5m])")).hasMessageContaining("label matchers");
    assertThatThrownBy(() -> ObservationWindow.of(Duration.ZERO)).hasMessageContaining("window must be positive");
    assertThatThrownBy(() -> ObservationWindow.of(Duration.ofMinutes(5)).withResolution(Duration.ofHours(1)))
        .hasMessageContaining("must not be longer");
    assertThatThrownBy(() -> PrometheusSource.of(URL, "").withOverride(Signal.ARRIVALS, " ")).hasMessageContaining("non-empty query");
  }

  @Test
  void durationsAreWrittenAsPrometheusReadsThem() {
    assertThat(PrometheusSource.promDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(PrometheusSource.promDuration(Duration.ofMinutes(5))).isEqualTo("300s");
  }

  @Test
  void signalsParseInEitherSpelling() {
    assertThat(Signal.parse("kv-cache-usage")).isEqualTo(Signal.KV_CACHE_USAGE);
    assertThat(Signal.parse("ARRIVALS")).isEqualTo(Signal.ARRIVALS);
    assertThatThrownBy(() -> Signal.parse("qps")).hasMessageContaining("unknown signal 'qps'").hasMessageContaining("arrivals");
  }
}
