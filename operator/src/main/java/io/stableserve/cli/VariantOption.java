package io.stableserve.cli;

import io.stableserve.bench.BenchEngine;
import io.stableserve.decide.Variant;
import io.stableserve.solve.EngineConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One variant of {@code plan --variant}: a name, a cost per replica-hour, bounds, and an engine
 * written with the engine options' own names without their dashes, e.g.
 * {@code name=h100,cost=4.0,max=8,kv-tokens=131072,chunk-tokens=2048,step-base=0.006,step-per-token=1.7e-5}.
 * {@code engine=h100} or {@code engine=a100} starts from the benchmark's engine of that name
 * ({@link BenchEngine}) and the engine keys given replace its figures, as the engine options do
 * on the benchmark's command line.
 */
public record VariantOption(String name, double costPerHour, int min, int max, EngineConfig engine) {

  /** The most replicas of a variant that names no maximum. */
  public static final int DEFAULT_MAX = 100;

  private static final Set<String> OWN_KEYS = Set.of("name", "cost", "min", "max", "engine");

  /** The variant the solver reads, with the stable rate its engine has for the workload. */
  public Variant variant(double stableRate) {
    return new Variant(name, stableRate, costPerHour, min, max);
  }

  public static VariantOption parse(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("'" + part + "' is not KEY=VALUE; a variant reads e.g. "
            + "name=h100,cost=4.0,engine=h100 or name=a100,cost=1.8,kv-tokens=131072,chunk-tokens=2048,step-seconds=0.03");
      }
      String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      if (fields.put(key, part.substring(eq + 1).trim()) != null) {
        throw new IllegalArgumentException("'" + key + "' is given twice");
      }
    }
    String name = fields.get("name");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a variant needs name=NAME");
    }
    String cost = fields.get("cost");
    if (cost == null) {
      throw new IllegalArgumentException("variant " + name + " needs cost=C, its cost per replica-hour");
    }
    List<String> engineArgs = new ArrayList<>();
    fields.forEach((key, value) -> {
      if (!OWN_KEYS.contains(key)) {
        engineArgs.add("--" + key);
        engineArgs.add(value);
      }
    });
    EngineOptions options = new EngineOptions();
    try {
      new CommandLine(options).parseArgs(engineArgs.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException("variant " + name + ": " + e.getMessage()
          + " (a variant's keys are name, cost, min, max, engine and the engine options without their dashes)");
    }
    EngineConfig engine;
    if (fields.containsKey("engine")) {
      engine = options.engineOr(BenchEngine.parse(fields.get("engine")).config());
    } else if (options.kvTokens == null || options.chunkTokens == null) {
      throw new IllegalArgumentException("variant " + name + " needs an engine: engine=h100 or engine=a100, or "
          + "kv-tokens=M, chunk-tokens=C and a step time (step-seconds=B, or step-base=C0 with step-per-token=C1)");
    } else {
      engine = options.engine();
    }
    int min = fields.containsKey("min") ? number(name, "min", fields.get("min"), Integer::parseInt) : 0;
    int max = fields.containsKey("max") ? number(name, "max", fields.get("max"), Integer::parseInt) : Math.max(min, DEFAULT_MAX);
    VariantOption option = new VariantOption(name, number(name, "cost", cost, Double::parseDouble), min, max, engine);
    option.variant(1); // checks the cost and the bounds now, with the variant's message
    return option;
  }

  private static <T> T number(String variant, String key, String text, java.util.function.Function<String, T> parse) {
    try {
      return parse.apply(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("variant " + variant + ": " + key + "=" + text + " is not a number; "
          + (key.equals("cost") ? "cost is the cost per replica-hour, e.g. cost=4.0" : key + " is a whole count of replicas, e.g. " + key + "=2"));
    }
  }

  /** For picocli: a wrong variant is a usage error, with the reason. */
  public static final class Converter implements ITypeConverter<VariantOption> {
    @Override
    public VariantOption convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
