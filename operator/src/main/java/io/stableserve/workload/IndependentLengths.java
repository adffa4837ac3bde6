package io.stableserve.workload;

/** Prompt and output lengths drawn independently from parametric distributions. */
public record IndependentLengths(LengthDistribution prompt, LengthDistribution output) implements Workload {

  public IndependentLengths {
    if (prompt == null || output == null) {
      throw new IllegalArgumentException("both a prompt and an output distribution are needed");
    }
  }

  @Override
  public TokenMoments moments() {
    return TokenMoments.independent(prompt, output);
  }

  @Override
  public double meanPrefillChunks(int chunkTokens) {
    return prompt.meanChunks(chunkTokens);
  }

  @Override
  public String describe() {
    return "prompt " + prompt.describe() + ", output " + output.describe();
  }
}
