// cairn: the command-line front end. Each command is a thin layer over a module; see
// `cairn --help` and docs/CLI.md. Errors become a message naming the input and a non-zero exit.
#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"Cairn: find known material on seized media, map the network, follow the money."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "cairn 0.1.0");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
