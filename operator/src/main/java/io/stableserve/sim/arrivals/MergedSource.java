package io.stableserve.sim.arrivals;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The superposition of several request streams, in time order: a trace with a burst on top, or
 * classes that arrive independently. Ties go to the stream listed first.
 */
public final class MergedSource implements RequestSource {

  private final List<RequestSource> sources;

  public MergedSource(List<RequestSource> sources) {
    if (sources == null || sources.isEmpty()) {
      throw new IllegalArgumentException("a merged stream needs at least one source");
    }
    this.sources = List.copyOf(sources);
  }

  private RequestSource earliest() {
    RequestSource first = sources.get(0);
    for (RequestSource s : sources) {
      if (s.nextTime() < first.nextTime()) {
        first = s;
      }
    }
    return first;
  }

  @Override
  public double nextTime() {
    return earliest().nextTime();
  }

  @Override
  public Arrival next() {
    return earliest().next();
  }

  @Override
  public String describe() {
    return sources.stream().map(RequestSource::describe).collect(Collectors.joining(" + ", "(", ")"));
  }
}
