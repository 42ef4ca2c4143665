package io.adapterforge.cli;

import io.adapterforge.config.InvalidConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code adapterforge} command: entry point of the launcher script and of the shaded jar. */
@Command(
    name = "adapterforge",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Prepares chat corpora, trains many LoRA adapters for one frozen base LLM on Spark,",
      "evaluates them and publishes the good ones to a registry."
    },
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      ConfigCommand.class,
      FetchTokenizerCommand.class,
      PrepareCommand.class,
      ClusterCommand.class,
      MakeBaseModelCommand.class,
      TrainCommand.class,
      EvaluateCommand.class,
      PublishCommand.class,
      MergeCommand.class,
      ScoreCommand.class,
      RegistryCommand.class,
      BenchCommand.class,
      AirflowCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", "Exit codes: 0 ok, 2 bad usage or configuration, 1 failure at run time."})
public final class AdapterforgeCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // No subcommand: show what there is, and say so with the usage exit code.
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command");
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for {@link #main} and tests. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new AdapterforgeCli());
    commandLine.setExecutionExceptionHandler(AdapterforgeCli::handleFailure);
    return commandLine;
  }

  private static int handleFailure(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    if (e instanceof InvalidConfigException) {
      err.println("adapterforge: " + e.getMessage());
      err.flush();
      return CommandLine.ExitCode.USAGE;
    }
    err.println("adapterforge: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    if (System.getenv("ADAPTERFORGE_DEBUG") != null) {
      e.printStackTrace(err);
    } else {
      err.println("(set ADAPTERFORGE_DEBUG=1 for the stack trace)");
    }
    err.flush();
    return CommandLine.ExitCode.SOFTWARE;
  }
}
