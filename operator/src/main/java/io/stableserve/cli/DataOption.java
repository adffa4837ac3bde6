package io.stableserve.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the Azure traces are: the repository's {@code data/}, found from here or up to three folders above. */
public final class DataOption {

  @Option(names = "--data", paramLabel = "DIR",
      description = "Folder with azure-llm-2023-conv.csv and azure-llm-2023-code.csv (default: data/, looked for from here and up to three folders above).")
  Path data;

  /** The file {@code name} of the data folder. */
  public Path file(String name) throws IOException {
    return folder().resolve(name);
  }

  public Path folder() throws IOException {
    return data != null ? data : find();
  }

  static Path find() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    for (int up = 0; up < 4 && dir != null; up++, dir = dir.getParent()) {
      Path candidate = dir.resolve("data").normalize();
      if (Files.isRegularFile(candidate.resolve("azure-llm-2023-conv.csv"))) {
        return candidate;
      }
    }
    throw new IOException("cannot find data/ with the Azure traces from " + Path.of("").toAbsolutePath() + "; give --data DIR");
  }
}
