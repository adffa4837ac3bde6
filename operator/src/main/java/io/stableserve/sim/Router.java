package io.stableserve.sim;

import java.util.List;
import java.util.Locale;

/** Picks the replica a request goes to, among those ready to serve. */
public interface Router {

  /** @return an index into {@code ready}, which is never empty */
  int choose(List<Replica> ready);

  String name();

  static Router parse(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "round-robin", "roundrobin", "rr" -> new RoundRobin();
      case "least-outstanding", "least-outstanding-requests", "lor" -> new LeastOutstanding();
      default -> throw new IllegalArgumentException("unknown router '" + name
          + "'; expected round-robin or least-outstanding");
    };
  }

  /** Each ready replica in turn. */
  final class RoundRobin implements Router {
    private long turn;

    @Override
    public int choose(List<Replica> ready) {
      return (int) (turn++ % ready.size());
    }

    @Override
    public String name() {
      return "round-robin";
    }
  }

  /**
   * The replica with the fewest requests in it (running plus waiting); ties go to the replicas in
   * turn, so an idle fleet is filled evenly.
   */
  final class LeastOutstanding implements Router {
    private long turn;

    @Override
    public int choose(List<Replica> ready) {
      int n = ready.size();
      int offset = (int) (turn++ % n);
      int best = -1;
      int fewest = Integer.MAX_VALUE;
      for (int k = 0; k < n; k++) {
        int i = (offset + k) % n;
        int outstanding = ready.get(i).engine().inSystem();
        if (outstanding < fewest) {
          fewest = outstanding;
          best = i;
        }
      }
      return best;
    }

    @Override
    public String name() {
      return "least-outstanding";
    }
  }
}
