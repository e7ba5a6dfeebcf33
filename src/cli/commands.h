#pragma once

// minatoctl's commands, one group per file (commands_*.cpp). Each takes the program's arguments with the
// command name removed from position 1 (so arguments.at(0) is still the program) and returns the exit
// status (exitcodes.h). main.cpp dispatches and prints the overview (`minatoctl --help`).
//
//   return Minato::Cli::tagsCommand({u"minatoctl"_s, u"127.0.0.1:5000/team/app"_s, u"--json"_s});

#include <QStringList>

namespace Minato::Cli {

// commands_ref.cpp
int refCommand(const QStringList &arguments);
// commands_registry.cpp
int probeCommand(const QStringList &arguments);
int lsCommand(const QStringList &arguments);
int tagsCommand(const QStringList &arguments);
// commands_image.cpp
int inspectCommand(const QStringList &arguments);
int manifestCommand(const QStringList &arguments);
int configCommand(const QStringList &arguments);
// commands_referrers.cpp
int referrersCommand(const QStringList &arguments);
// commands_write.cpp
int tagCommand(const QStringList &arguments);
int rmCommand(const QStringList &arguments);
// commands_copy.cpp
int cpCommand(const QStringList &arguments);
// commands_retain.cpp
int retainCommand(const QStringList &arguments);
// commands_transfer.cpp
int exportCommand(const QStringList &arguments);
int importCommand(const QStringList &arguments);
// commands_auth.cpp
int loginCommand(const QStringList &arguments);
int logoutCommand(const QStringList &arguments);
// commands_connections.cpp
int connectionsCommand(const QStringList &arguments);

} // namespace Minato::Cli
