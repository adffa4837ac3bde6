package io.stableserve.cli;

import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.TraceReader;
import io.stableserve.workload.Workload;
import io.stableserve.workload.WorkloadMix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Where the workload comes from: a trace, a pair of length distributions, or a mix of classes. */
public final class WorkloadOptions {

  @Option(names = "--trace", paramLabel = "FILE",
      description = "Request trace in the Azure format (TIMESTAMP,ContextTokens,GeneratedTokens).")
  Path trace;

  @ArgGroup(exclusive = false)
  Lengths lengths;

  @Option(names = "--class", paramLabel = "SHARE,PROMPT,OUTPUT",
      description = "One class of a mix, e.g. 0.7,uniform:10:600,fixed:200; repeat for each class, shares add up to 1.")
  List<String> classes = new ArrayList<>();

  static final class Lengths {
    @Option(names = "--prompt", required = true, paramLabel = "DIST",
        description = "Prompt length distribution: fixed:N or uniform:A:B (tokens).")
    String prompt;

    @Option(names = "--output", required = true, paramLabel = "DIST",
        description = "Output length distribution: fixed:N or uniform:A:B (tokens).")
    String output;
  }

  public Workload workload() throws IOException {
    int sources = (trace != null ? 1 : 0) + (lengths != null ? 1 : 0) + (classes.isEmpty() ? 0 : 1);
    if (sources != 1) {
      throw new IllegalArgumentException(
          "give exactly one workload: --trace FILE, or --prompt DIST --output DIST, or one or more --class");
    }
    if (trace != null) {
      return TraceReader.read(trace);
    }
    if (lengths != null) {
      return new IndependentLengths(LengthDistribution.parse(lengths.prompt), LengthDistribution.parse(lengths.output));
    }
    List<WorkloadMix.Share> shares = new ArrayList<>();
    for (String spec : classes) {
      String[] parts = spec.split(",");
      if (parts.length != 3) {
        throw new IllegalArgumentException("--class '" + spec + "' must be SHARE,PROMPT,OUTPUT, e.g. 0.5,fixed:100,uniform:10:200");
      }
      double share;
      try {
        share = Double.parseDouble(parts[0]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--class '" + spec + "': share '" + parts[0] + "' is not a number", e);
      }
      shares.add(new WorkloadMix.Share(share,
          new IndependentLengths(LengthDistribution.parse(parts[1]), LengthDistribution.parse(parts[2]))));
    }
    return new WorkloadMix(shares);
  }
}
