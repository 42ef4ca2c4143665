package io.adapterforge.cli;

import com.typesafe.config.Config;
import io.adapterforge.config.ConfigLoader;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adapterforge config …}: inspect the configuration. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Inspect the configuration.",
    subcommands = ConfigCommand.Show.class)
final class ConfigCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing a subcommand: try 'config show'");
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = {
        "Print the resolved configuration (defaults, then --conf, then --set), after validating it.",
        "Exits 2, naming the key, when a key is unknown or a value breaks a rule."
      })
  static final class Show implements Runnable {
    @Mixin ConfigOptions options;

    @Option(names = "--origins", description = "Show where each value was set.")
    boolean origins;

    @Spec CommandSpec spec;

    @Override
    public void run() {
      Config resolved =
          ConfigLoader.resolve(Optional.ofNullable(options.confFile), options.overrides);
      ConfigLoader.validate(resolved);
      spec.commandLine().getOut().print(ConfigLoader.render(resolved, origins));
      spec.commandLine().getOut().flush();
    }
  }
}
