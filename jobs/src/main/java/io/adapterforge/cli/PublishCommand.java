package io.adapterforge.cli;

import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.jobs.PublishJob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code adapterforge publish}: publishes what an evaluation's gate passed. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Publish each adapter the evaluation's gate passed (EVALUATION/gate.json) as its next"
          + " version in the registry (registry.url, registry.store): files copied and verified"
          + " before the database commit, then the candidate and production aliases moved to it.",
      "Rejected adapters are listed with the gate's reason. Rerunning publishes nothing twice:"
          + " versions are unique per (adapter, run). Writes EVALUATION/published.json."
    })
final class PublishCommand implements Callable<Integer> {
  @Option(
      names = "--evaluation",
      required = true,
      paramLabel = "DIR",
      description = "The folder evaluate wrote (with gate.json).")
  Path evaluation;

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    AdapterforgeConfig config = options.load();
    PrintWriter out = spec.commandLine().getOut();
    try {
      PublishJob.run(
          new PublishJob.Request(evaluation, config.registry().url(), config.registry().store()),
          Lines.to(out));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    return 0;
  }
}
