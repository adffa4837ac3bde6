package io.stableserve.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.random.MersenneTwister;
import org.junit.jupiter.api.Test;

class LengthDistributionTest {

  @Test
  void parsesBothForms() {
    assertThat(LengthDistribution.parse("fixed:128")).isEqualTo(new LengthDistribution.Fixed(128));
    assertThat(LengthDistribution.parse(" Uniform:10:1600 ")).isEqualTo(new LengthDistribution.Uniform(10, 1600));
  }

  @Test
  void uniformMomentsAreTheContinuousOnes() {
    LengthDistribution u = LengthDistribution.parse("uniform:10:1600");
    assertThat(u.mean()).isEqualTo(805);
    assertThat(u.meanSquare()).isCloseTo(858_700, within(1e-6));
    assertThat(u.max()).isEqualTo(1600);
  }

  @Test
  void meanChunksIntegratesTheCeiling() {
    LengthDistribution u = LengthDistribution.parse("uniform:10:1600");
    // Numerical integral of ⌈x/512⌉ over [10, 1600].
    double sum = 0;
    int n = 1_000_000;
    for (int i = 0; i < n; i++) {
      double x = 10 + (i + 0.5) * 1590.0 / n;
      sum += Math.ceil(x / 512);
    }
    assertThat(u.meanChunks(512)).isCloseTo(sum / n, within(1e-4));
    assertThat(LengthDistribution.parse("fixed:1025").meanChunks(512)).isEqualTo(3);
    assertThat(LengthDistribution.parse("uniform:100:100").meanChunks(512)).isEqualTo(1);
  }

  @Test
  void samplesStayInsideTheSupportAndMatchTheMean() {
    LengthDistribution u = LengthDistribution.parse("uniform:300:3000");
    MersenneTwister random = new MersenneTwister(7);
    double sum = 0;
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      int x = u.sample(random);
      assertThat(x).isBetween(300, 3000);
      sum += x;
    }
    assertThat(sum / n).isCloseTo(1650, within(5.0));
  }
}
