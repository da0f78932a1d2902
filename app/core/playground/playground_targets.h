#pragma once
// Targets for playground runs by address, shared by the CLI and the GUI: what kind of
// target an address is (local engine lane or a remote endpoint with its concurrency key)
// and the factory that builds it.
#include "core/playground/batch_runner.h"

namespace hearth::playground {

// Resolves `address` (catalog name, .gguf path, remote URL). Returns false with a one-line
// *error for an address that names nothing.
bool targetSpecFor(const QString& address, TargetSpec* spec, QString* error);

// Builds LocalTargets for local addresses (`threads` CPU threads, 0 = default). Remote
// addresses fail with a clear message until the remote targets' factory
// (core/target/target_factory.h) is wired in here.
TargetFactory defaultTargetFactory(int threads = 0);

}  // namespace hearth::playground
