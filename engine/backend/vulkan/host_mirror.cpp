#include "backend/vulkan/host_mirror.h"

#include <algorithm>
#include <vector>

#include "backend/vulkan/context.h"

namespace hearth::vulkan {

namespace {
Region sub_region(const Region& r, size_t offset, size_t bytes) {
    Region s = r;
    s.offset += offset;
    s.size = bytes;
    if (s.mapped) s.mapped += offset;
    return s;
}
}  // namespace

void HostMirror::prepare(std::initializer_list<Operand> operands) {
    for (const Operand& o : operands)
        region(o.host, o.bytes, o.read);
}

Region HostMirror::region(const void* host, size_t bytes, bool read) {
    const uintptr_t lo = reinterpret_cast<uintptr_t>(host);
    const uintptr_t hi = lo + bytes;
    // The entry containing lo, if any, is the last one starting at or before it.
    auto it = entries_.upper_bound(lo);
    if (it != entries_.begin()) {
        auto prev = std::prev(it);
        if (prev->first + prev->second.bytes > lo) it = prev;
    }
    if (it != entries_.end() && it->first <= lo && hi <= it->first + it->second.bytes) {
        return sub_region(it->second.memory.region(), lo - it->first, bytes);
    }

    // A new range, or one that reaches past its entry: one entry covers the union of the
    // request and every entry it touches; their device bytes move into it.
    uintptr_t start = lo, end = hi;
    std::vector<std::map<uintptr_t, Entry>::iterator> merged;
    for (auto m = it; m != entries_.end() && m->first < hi; ++m) {
        if (m->first + m->second.bytes <= lo) continue;
        merged.push_back(m);
        start = std::min(start, m->first);
        end = std::max<uintptr_t>(end, m->first + m->second.bytes);
    }
    Entry entry;
    entry.bytes = size_t(end - start);
    entry.memory = Allocation(ctx_.memory(), entry.bytes);
    const Region& dst = entry.memory.region();
    // Host bytes first, then the device's over them: where both exist the device's are newer.
    if (read) ctx_.record_upload(dst, size_t(lo - start), host, bytes);
    for (auto m : merged) {
        ctx_.stream().copy(m->second.memory.region(), 0, dst, m->first - start, m->second.bytes);
    }
    // The copies above are recorded before anything that may reuse the old ranges, and
    // every recorded command is followed by a full barrier, so freeing them now is safe.
    for (auto m : merged)
        entries_.erase(m);
    ++remaps_;
    auto [pos, inserted] = entries_.emplace(start, std::move(entry));
    (void)inserted;
    return sub_region(pos->second.memory.region(), lo - start, bytes);
}

bool HostMirror::mapped(const void* host) const {
    const uintptr_t a = reinterpret_cast<uintptr_t>(host);
    auto it = entries_.upper_bound(a);
    if (it == entries_.begin()) return false;
    --it;
    return a < it->first + it->second.bytes;
}

void HostMirror::to_host(void* host, size_t bytes) {
    const uintptr_t lo = reinterpret_cast<uintptr_t>(host);
    const uintptr_t hi = lo + bytes;
    auto it = entries_.upper_bound(lo);
    if (it != entries_.begin()) --it;
    for (; it != entries_.end() && it->first < hi; ++it) {
        const uintptr_t a = std::max<uintptr_t>(lo, it->first);
        const uintptr_t b = std::min<uintptr_t>(hi, it->first + it->second.bytes);
        if (a >= b) continue;
        ctx_.download(it->second.memory.region(), size_t(a - it->first), reinterpret_cast<void*>(a),
                      size_t(b - a));
    }
}

void HostMirror::from_host(const void* host, size_t bytes) {
    const uintptr_t lo = reinterpret_cast<uintptr_t>(host);
    const uintptr_t hi = lo + bytes;
    auto it = entries_.upper_bound(lo);
    if (it != entries_.begin()) --it;
    for (; it != entries_.end() && it->first < hi; ++it) {
        const uintptr_t a = std::max<uintptr_t>(lo, it->first);
        const uintptr_t b = std::min<uintptr_t>(hi, it->first + it->second.bytes);
        if (a >= b) continue;
        ctx_.record_upload(it->second.memory.region(), size_t(a - it->first),
                           reinterpret_cast<const void*>(a), size_t(b - a));
    }
}

}  // namespace hearth::vulkan
