package io.stableserve.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TraceReaderTest {

  static final String SMALL = """
      TIMESTAMP,ContextTokens,GeneratedTokens
      2023-11-16 18:15:46.0000000,100,10
      2023-11-16 18:15:47.0000000,300,30
      2023-11-16 18:15:49.0000000,200,20
      2023-11-16 18:15:50.0000000,400,40
      """;

  static Trace read(String text) throws IOException {
    return TraceReader.read("test.csv", new StringReader(text));
  }

  @Test
  void momentsAreExactMeansOverTheRequests() throws IOException {
    Trace trace = read(SMALL);
    TokenMoments m = trace.moments();
    assertThat(m.meanPrompt()).isEqualTo(250);
    assertThat(m.meanOutput()).isEqualTo(25);
    assertThat(m.meanPromptTimesOutput()).isEqualTo((1000 + 9000 + 4000 + 16000) / 4.0);
    assertThat(m.maxTotalTokens()).isEqualTo(440);
    double meanG = (TokenMoments.memoryArea(100, 10, 64) + TokenMoments.memoryArea(300, 30, 64)
        + TokenMoments.memoryArea(200, 20, 64) + TokenMoments.memoryArea(400, 40, 64)) / 4;
    assertThat(m.meanMemoryArea(64)).isCloseTo(meanG, within(1e-9));
    assertThat(trace.meanPrefillChunks(128)).isEqualTo((1 + 3 + 2 + 4) / 4.0);
  }

  @Test
  void arrivalRateAndBurstinessComeFromTheTimestamps() throws IOException {
    ArrivalStatistics a = read(SMALL).arrivals().orElseThrow();
    // Gaps 1, 2, 1 s: rate 3 / 4 s; mean gap 4/3, population variance 2/9, SCV = (2/9)/(16/9).
    assertThat(a.ratePerSecond()).isCloseTo(0.75, within(1e-12));
    assertThat(a.burstiness()).isCloseTo(0.125, within(1e-9));
    assertThat(a.windowSeconds()).isCloseTo(4, within(1e-9));
  }

  @Test
  void aMalformedLineIsReportedWithItsNumber() {
    String bad = SMALL.replace("200,20", "2x0,20");
    assertThatThrownBy(() -> read(bad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("test.csv line 4: ContextTokens '2x0' is not a whole number of tokens");
    String badTime = SMALL.replace("2023-11-16 18:15:47.0000000", "yesterday");
    assertThatThrownBy(() -> read(badTime)).hasMessageStartingWith("test.csv line 3: TIMESTAMP 'yesterday'");
    String negative = SMALL.replace("400,40", "400,-40");
    assertThatThrownBy(() -> read(negative)).hasMessage("test.csv line 5: GeneratedTokens is negative (-40)");
    String shortRow = SMALL.replace("300,30", "300");
    assertThatThrownBy(() -> read(shortRow)).hasMessageStartingWith("test.csv line 3: expected 3 fields, found 2");
  }

  @Test
  void aWrongHeaderOrAnEmptyTraceIsRefused() {
    assertThatThrownBy(() -> read("time,prompt,output\n2023-11-16 18:15:46,1,1\n"))
        .hasMessageContaining("header lacks column TIMESTAMP");
    assertThatThrownBy(() -> read("TIMESTAMP,ContextTokens,GeneratedTokens\n")).hasMessageContaining("no requests");
    assertThatThrownBy(() -> TraceReader.read(Path.of("no/such/trace.csv"))).hasMessageContaining("does not exist");
  }

  @Test
  void readsTheAzureConversationTrace() throws IOException {
    Trace trace = TraceReader.read(ProjectData.file("azure-llm-2023-conv.csv"));
    assertThat(trace.size()).isEqualTo(19_366);
    ArrivalStatistics a = trace.arrivals().orElseThrow();
    assertThat(a.windowSeconds()).isBetween(3000.0, 3600.0);
    assertThat(a.ratePerSecond()).isBetween(5.0, 6.5);
  }
}
