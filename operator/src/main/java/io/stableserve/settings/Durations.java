package io.stableserve.settings;

import java.time.Duration;
import java.util.regex.Matcher;

/** Durations as the spec writes them: Go/Prometheus style, e.g. {@code 15s}, {@code 5m}, {@code 1m30s}, {@code 500ms}. */
public final class Durations {

  /**
   * One or more number-unit pairs, units ms, s, m, h, each number at most six digits: with the
   * length limit that keeps every duration inside the range CEL's duration() can hold.
   */
  public static final String PATTERN = "^([0-9]{1,6}(ms|s|m|h))+$";

  /** The CRD's CEL rule for a duration field. */
  public static final String RULE = "self.matches('" + PATTERN + "')";

  public static final String MESSAGE = "must be a duration such as 15s, 5m, 1m30s or 500ms";

  public static final int MAX_LENGTH = 32;

  private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("([0-9]{1,6})(ms|s|m|h)");
  private static final java.util.regex.Pattern WHOLE = java.util.regex.Pattern.compile(PATTERN);

  private Durations() {}

  /**
   * Parses {@code text}; {@code field} names the spec field in the error.
   *
   * @throws IllegalArgumentException when the text is not a duration
   */
  public static Duration parse(String text, String field) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException(field + ": '" + text
          + "' is not a duration; write e.g. 15s, 5m, 1m30s or 500ms, each number at most six digits");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
    }
    return total;
  }

  /**
   * Parses {@code text} and checks it against the field's bounds (both inclusive, written as the
   * spec writes durations).
   *
   * @throws IllegalArgumentException naming the field and its bounds
   */
  public static Duration parse(String text, String field, String min, String max) {
    Duration d = parse(text, field);
    if (d.compareTo(parse(min, "minimum")) < 0 || d.compareTo(parse(max, "maximum")) > 0) {
      throw new IllegalArgumentException(field + ": must be between " + min + " and " + max + ", got " + text);
    }
    return d;
  }

  /** Formats a duration the way the spec writes it, e.g. {@code 1m30s}; whole milliseconds only. */
  public static String format(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("negative duration " + duration);
    }
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long hours = duration.toHours();
    int minutes = duration.toMinutesPart();
    int seconds = duration.toSecondsPart();
    int millis = duration.toMillisPart();
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (minutes > 0) {
      out.append(minutes).append('m');
    }
    if (seconds > 0) {
      out.append(seconds).append('s');
    }
    if (millis > 0) {
      out.append(millis).append("ms");
    }
    return out.toString();
  }
}
