package io.stableserve.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stableserve.e2e.RealApiServers;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * kube-apiserver's audit log of the ServiceAccounts' requests ({@code kube-audit.log} in the run
 * folder), read from a mark: the script appends to it across runs and tests.
 */
final class AuditLog {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditLog() {}

  private static Path file() {
    return RealApiServers.file("kube-audit.log");
  }

  /** Where the log ends now: the events a test causes come after it. */
  static long mark() throws IOException {
    Path audit = file();
    return Files.exists(audit) ? Files.size(audit) : 0;
  }

  /** The audit events written after the mark; the server writes them as it answers, so this waits a second first. */
  static List<JsonNode> eventsSince(long mark) throws IOException, InterruptedException {
    Thread.sleep(1000);
    List<JsonNode> events = new ArrayList<>();
    try (RandomAccessFile file = new RandomAccessFile(file().toFile(), "r")) {
      file.seek(mark);
      byte[] rest = new byte[(int) (file.length() - mark)];
      file.readFully(rest);
      for (String line : new String(rest, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          events.add(JSON.readTree(line));
        }
      }
    }
    return events;
  }
}
