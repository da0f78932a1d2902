#pragma once
// Device copies of host activation memory, keyed by host address.
//
// The op boundary names operands by host pointers (Rows, KV cache views). The Vulkan backend
// maps each host range to a device range once and from then on keeps the range's current
// contents on the device only: an op's output stays there, the next op reads it there, and
// bytes cross to the host only when asked (read_back, or an op that runs on the CPU). So a
// forward pass is recorded into one command buffer and submitted once.
//
// Invariant: for every mapped range the device copy is the current one. Bytes come from the
// host when a range is first mapped for reading, and when the host wrote them (from_host).
// The mirror never writes host memory except the range a caller names in to_host(), so a
// stale entry (its host buffer freed and reused) is harmless: it is only ever replaced.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>

#include "backend/vulkan/memory.h"

namespace hearth::vulkan {

class VulkanContext;

class HostMirror {
public:
    explicit HostMirror(VulkanContext& ctx) : ctx_(ctx) {}
    HostMirror(const HostMirror&) = delete;
    HostMirror& operator=(const HostMirror&) = delete;

    struct Operand {
        const void* host = nullptr;
        size_t bytes = 0;
        bool read = false;  // the op reads it: first mapping uploads the host bytes
    };
    // Maps every operand of one op before any Region is taken, so mapping a later operand
    // (which may merge ranges) cannot move an earlier one. Then region() is a lookup.
    void prepare(std::initializer_list<Operand> operands);
    // The device bytes mirroring [host, host + bytes); maps the range when needed.
    Region region(const void* host, size_t bytes, bool read);

    // Host bytes [host, host + bytes) get the device's contents (waits for queued work).
    // Parts never mapped are left alone: the host copy is the current one there.
    void to_host(void* host, size_t bytes);
    // The host wrote [host, host + bytes): mapped parts take the new bytes (recorded copy).
    void from_host(const void* host, size_t bytes);

    // True when some mapped range contains `host`.
    bool mapped(const void* host) const;
    size_t entries() const { return entries_.size(); }
    size_t remaps() const { return remaps_; }  // new device ranges made (tests: 0 per token)

private:
    struct Entry {
        size_t bytes = 0;
        Allocation memory;
    };
    VulkanContext& ctx_;
    std::map<uintptr_t, Entry> entries_;  // host start -> entry; ranges never overlap
    size_t remaps_ = 0;
};

}  // namespace hearth::vulkan
