package io.stableserve.testing;

import io.stableserve.api.EngineSpec;
import io.stableserve.api.StepTimeSpec;
import io.stableserve.solve.EngineConfig;

/** The CRD's engine section for an engine, every figure given. */
public final class EngineSpecs {

  private EngineSpecs() {}

  public static EngineSpec given(EngineConfig engine) {
    EngineSpec e = new EngineSpec();
    e.setKvCacheTokens(engine.kvCacheTokens());
    e.setChunkTokens(engine.chunkTokens());
    engine.maxNumSeqs().ifPresent(e::setMaxNumSeqs);
    engine.maxBatchedTokens().ifPresent(e::setMaxBatchedTokens);
    StepTimeSpec step = new StepTimeSpec();
    step.setBaseSeconds(engine.stepTime().baseSeconds());
    step.setSecondsPerToken(engine.stepTime().secondsPerToken());
    step.setSecondsPerKvToken(engine.stepTime().secondsPerKvToken());
    e.setStepTime(step);
    return e;
  }
}
