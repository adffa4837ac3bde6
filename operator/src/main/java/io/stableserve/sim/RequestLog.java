package io.stableserve.sim;

import java.util.Arrays;

/**
 * Every completed request of a run, in completion order, in primitive columns: arrival, queue time,
 * TTFT, end-to-end latency, lengths, preemptions, replica. Thread-safe: it can be read while a
 * fleet is being advanced on another thread.
 */
public final class RequestLog {

  private int size;
  private long[] id = new long[1024];
  private int[] replica = new int[1024];
  private double[] arrival = new double[1024];
  private double[] queue = new double[1024];
  private double[] ttft = new double[1024];
  private double[] e2e = new double[1024];
  private int[] prompt = new int[1024];
  private int[] output = new int[1024];
  private int[] preemptions = new int[1024];

  /** A listener that records into this log, tagging each request with {@code replicaIndex}. */
  public CompletionListener listenerFor(int replicaIndex) {
    return (requestId, arrivalTime, firstScheduled, firstToken, finish, promptTokens, outputTokens, preempted) ->
        add(requestId, replicaIndex, arrivalTime, firstScheduled - arrivalTime, firstToken - arrivalTime,
            finish - arrivalTime, promptTokens, outputTokens, preempted);
  }

  public synchronized void add(long requestId, int replicaIndex, double arrivalTime, double queueSeconds,
      double ttftSeconds, double e2eSeconds, int promptTokens, int outputTokens, int preempted) {
    if (size == id.length) {
      int n = size * 2;
      id = Arrays.copyOf(id, n);
      replica = Arrays.copyOf(replica, n);
      arrival = Arrays.copyOf(arrival, n);
      queue = Arrays.copyOf(queue, n);
      ttft = Arrays.copyOf(ttft, n);
      e2e = Arrays.copyOf(e2e, n);
      prompt = Arrays.copyOf(prompt, n);
      output = Arrays.copyOf(output, n);
      preemptions = Arrays.copyOf(preemptions, n);
    }
    id[size] = requestId;
    replica[size] = replicaIndex;
    arrival[size] = arrivalTime;
    queue[size] = queueSeconds;
    ttft[size] = ttftSeconds;
    e2e[size] = e2eSeconds;
    prompt[size] = promptTokens;
    output[size] = outputTokens;
    preemptions[size] = preempted;
    size++;
  }

  public synchronized int size() {
    return size;
  }

  public synchronized long id(int i) {
    check(i);
    return id[i];
  }

  public synchronized int replica(int i) {
    check(i);
    return replica[i];
  }

  public synchronized double arrival(int i) {
    check(i);
    return arrival[i];
  }

  public synchronized double queueSeconds(int i) {
    check(i);
    return queue[i];
  }

  public synchronized double ttftSeconds(int i) {
    check(i);
    return ttft[i];
  }

  public synchronized double e2eSeconds(int i) {
    check(i);
    return e2e[i];
  }

  public synchronized int promptTokens(int i) {
    check(i);
    return prompt[i];
  }

  public synchronized int outputTokens(int i) {
    check(i);
    return output[i];
  }

  public synchronized int preemptions(int i) {
    check(i);
    return preemptions[i];
  }

  private void check(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("request " + i + " of " + size);
    }
  }

  /**
   * Latency figures of the requests that arrived in [from, to) and completed.
   *
   * @param ttftTargetSeconds the TTFT SLO, for the share of requests that meet it
   */
  public synchronized LatencySummary summarize(double from, double to, double ttftTargetSeconds) {
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (arrival[i] >= from && arrival[i] < to) {
        n++;
      }
    }
    double[] t = new double[n];
    double[] q = new double[n];
    double[] e = new double[n];
    long met = 0;
    long preempted = 0;
    int k = 0;
    for (int i = 0; i < size; i++) {
      if (arrival[i] >= from && arrival[i] < to) {
        t[k] = ttft[i];
        q[k] = queue[i];
        e[k] = e2e[i];
        if (ttft[i] <= ttftTargetSeconds) {
          met++;
        }
        preempted += preemptions[i];
        k++;
      }
    }
    Arrays.sort(t);
    Arrays.sort(q);
    Arrays.sort(e);
    return new LatencySummary(n, quantile(t, 0.5), quantile(t, 0.99), mean(q), quantile(q, 0.99), quantile(e, 0.5),
        quantile(e, 0.99), n == 0 ? Double.NaN : (double) met / n, ttftTargetSeconds, preempted);
  }

  /** The q-quantile of sorted values (nearest rank), NaN when there are none. */
  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }

  private static double mean(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  /**
   * Latency figures of a set of completed requests; the quantiles and shares are NaN when the set is
   * empty (check {@code requests}).
   */
  public record LatencySummary(long requests, double ttftP50, double ttftP99, double meanQueueSeconds,
      double queueP99, double e2eP50, double e2eP99, double ttftAttainment, double ttftTargetSeconds,
      long preemptions) {}
}
