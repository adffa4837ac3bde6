package io.stableserve.workload;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads request traces in the Azure LLM inference trace format:
 * {@code TIMESTAMP,ContextTokens,GeneratedTokens}, with timestamps such as
 * {@code 2023-11-16 18:17:03.9799600} (UTC).
 */
public final class TraceReader {

  static final String TIMESTAMP = "TIMESTAMP";
  static final String PROMPT = "ContextTokens";
  static final String OUTPUT = "GeneratedTokens";

  private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .optionalStart()
      .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
      .optionalEnd()
      .toFormatter();

  private TraceReader() {}

  public static Trace read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("trace file " + file + " does not exist or is not a file");
    }
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(file.getFileName().toString(), in);
    }
  }

  public static Trace read(String name, Reader in) throws IOException {
    CSVFormat format = CSVFormat.DEFAULT.builder()
        .setHeader()
        .setSkipHeaderRecord(true)
        .setTrim(true)
        .setIgnoreEmptyLines(true)
        .get();
    record Row(long line, double epochSeconds, int prompt, int output) {}
    List<Row> rows = new ArrayList<>();
    try (CSVParser parser = CSVParser.parse(in, format)) {
      List<String> header = parser.getHeaderNames();
      for (String column : List.of(TIMESTAMP, PROMPT, OUTPUT)) {
        if (!header.contains(column)) {
          throw new IllegalArgumentException(name + ": header lacks column " + column
              + "; expected TIMESTAMP,ContextTokens,GeneratedTokens, found " + String.join(",", header));
        }
      }
      for (CSVRecord record : parser) {
        long line = parser.getCurrentLineNumber();
        if (!record.isConsistent()) {
          throw new IllegalArgumentException(name + " line " + line + ": expected " + header.size()
              + " fields, found " + record.size());
        }
        rows.add(new Row(line, parseTime(name, line, record.get(TIMESTAMP)),
            parseTokens(name, line, PROMPT, record.get(PROMPT)),
            parseTokens(name, line, OUTPUT, record.get(OUTPUT))));
      }
    } catch (java.io.UncheckedIOException e) {
      throw new IllegalArgumentException(name + ": malformed CSV: " + e.getCause().getMessage(), e);
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(name + " has a header but no requests");
    }
    rows.sort(Comparator.comparingDouble(Row::epochSeconds));
    double start = rows.get(0).epochSeconds();
    double[] t = new double[rows.size()];
    int[] s = new int[rows.size()];
    int[] o = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      t[i] = rows.get(i).epochSeconds() - start;
      s[i] = rows.get(i).prompt();
      o[i] = rows.get(i).output();
    }
    return new Trace(name, t, s, o);
  }

  private static double parseTime(String name, long line, String text) {
    try {
      LocalDateTime time = LocalDateTime.parse(text, TIME);
      return time.toEpochSecond(ZoneOffset.UTC) + time.getNano() / 1e9;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " line " + line + ": TIMESTAMP '" + text
          + "' is not a time like 2023-11-16 18:17:03.9799600", e);
    }
  }

  private static int parseTokens(String name, long line, String column, String text) {
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " line " + line + ": " + column + " '" + text
          + "' is not a whole number of tokens", e);
    }
    if (value < 0) {
      throw new IllegalArgumentException(name + " line " + line + ": " + column + " is negative (" + value + ")");
    }
    return value;
  }
}
