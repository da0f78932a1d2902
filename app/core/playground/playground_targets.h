#pragma once
// Targets for playground runs by address, shared by the CLI and the GUI: what kind of
// target an address is (local engine lane or a remote endpoint with its concurrency key)
// and the factory that builds it.
#include "core/playground/batch_runner.h"

namespace hearth::playground {

// Resolves `address` (catalog name, .gguf path, remote URL). Returns false with a one-line
// *error for an address that names nothing. Remote specs get the prices of the stored
// endpoint with the same URL when `endpoints` has one.
bool targetSpecFor(const QString& address, TargetSpec* spec, QString* error,
                   const QVector<store::EndpointRecord>& endpoints = {});

// Builds targets through makeTarget() (core/target/target_factory.h); `threads` is the CPU
// thread count for local ones (0 = default).
TargetFactory defaultTargetFactory(int threads = 0);

}  // namespace hearth::playground
