package io.stableserve.solve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProvisioningTest {

  static Capacity capacityOf(double mu) {
    return new Capacity(ModelKind.ITERATIVE, mu, mu, mu, 0.01, 1000, 0.02,
        List.of(new ConstraintRate(Constraint.MEMORY, mu)));
  }

  @Test
  void replicasAreTheCeilingOfLoadOverTargetCapacity() {
    Provisioning p = Provisioning.plan(capacityOf(2.0), 7.3, 0.9);
    assertThat(p.replicas()).isEqualTo(5); // 7.3 / 1.8 = 4.06
    assertThat(p.utilization()).isCloseTo(7.3 / 10, within(1e-12));
  }

  @Test
  void anExactMultipleIsNotRoundedUpByFloatingPointNoise() {
    // 0.3 / (0.1 · 1.0) is 2.9999999999999996 or 3.0000000000000004 depending on rounding.
    assertThat(Provisioning.plan(capacityOf(1.0), 0.3, 0.1).replicas()).isEqualTo(3);
    assertThat(Provisioning.plan(capacityOf(3.0), 2.7, 0.9).replicas()).isEqualTo(1);
  }

  @Test
  void noLoadStillNeedsOneReplica() {
    assertThat(Provisioning.plan(capacityOf(2.0), 0, 0.85).replicas()).isEqualTo(1);
  }
}
