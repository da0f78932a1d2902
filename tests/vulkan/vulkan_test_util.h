#pragma once
// Shared helpers for the Vulkan units: a context on the machine's Vulkan device (a loud
// failure when there is none), device buffers filled from and read back to vectors, seeded
// random data and a tolerance check that names the worst element.
#include <dlfcn.h>

#include <QTest>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backend/vulkan/context.h"
#include "backend/vulkan/memory.h"
#include "core/error.h"

namespace vulkan_test {

using hearth::vulkan::Allocation;
using hearth::vulkan::VulkanContext;

// Mesa's lavapipe, loaded ahead of the Vulkan loader and never unloaded. The loader
// dlclose()s the driver in vkDestroyInstance; memory the driver still holds then belongs to
// an unmapped module, which LeakSanitizer reports as a leak it cannot attribute (a bare
// create/destroy of an instance shows it). Kept loaded, the driver's globals stay reachable.
// A machine without lavapipe is unaffected (dlopen returns null).
inline const bool kLavapipePinned = dlopen("libvulkan_lvp.so", RTLD_NOW | RTLD_NODELETE) != nullptr;

// The selected device, or nullptr after QFAIL-style reporting (callers QVERIFY the result).
inline std::unique_ptr<VulkanContext> make_context() {
    try {
        return VulkanContext::create();
    } catch (const std::exception& e) {
        qWarning(
            "No Vulkan device, so the Vulkan tests cannot run: %s. Install a Vulkan "
            "driver (mesa-vulkan-drivers provides lavapipe).",
            e.what());
        return nullptr;
    }
}

template <typename T>
Allocation upload(VulkanContext& ctx, const std::vector<T>& data) {
    Allocation a(ctx.memory(), data.size() * sizeof(T));
    ctx.upload(a.region(), 0, data.data(), data.size() * sizeof(T));
    return a;
}

inline Allocation zeros(VulkanContext& ctx, size_t bytes) {
    Allocation a(ctx.memory(), bytes);
    std::vector<uint8_t> zero(bytes, 0);
    ctx.upload(a.region(), 0, zero.data(), bytes);
    return a;
}

template <typename T>
std::vector<T> download(VulkanContext& ctx, const Allocation& a, size_t count) {
    std::vector<T> out(count);
    ctx.download(a.region(), 0, out.data(), count * sizeof(T));
    return out;
}

inline std::vector<float> random_floats(std::mt19937& rng, size_t n, float scale = 1.0f) {
    std::normal_distribution<float> dist(0.0f, scale);
    std::vector<float> v(n);
    for (float& x : v)
        x = dist(rng);
    return v;
}

// |got - want| <= abs_tol + rel_tol * |want| everywhere; the message names the first miss.
inline bool close_all(const std::vector<float>& got, const std::vector<float>& want, double abs_tol,
                      double rel_tol, std::string& message) {
    if (got.size() != want.size()) {
        message = "size " + std::to_string(got.size()) + " != " + std::to_string(want.size());
        return false;
    }
    for (size_t i = 0; i < got.size(); ++i) {
        const double err = std::fabs(double(got[i]) - double(want[i]));
        if (!(err <= abs_tol + rel_tol * std::fabs(double(want[i])))) {
            message = "element " + std::to_string(i) + ": got " + std::to_string(got[i]) +
                      ", want " + std::to_string(want[i]);
            return false;
        }
    }
    return true;
}

}  // namespace vulkan_test

#define VK_REQUIRE_CONTEXT(ctx)                                       \
    auto ctx = vulkan_test::make_context();                           \
    if (!ctx)                                                         \
    QFAIL(                                                            \
        "no Vulkan device found (see the warning above); the Vulkan " \
        "backend must be tested on lavapipe or a GPU")

#define VK_COMPARE_CLOSE(got, want, abs_tol, rel_tol)                          \
    do {                                                                       \
        std::string vk_message_;                                               \
        if (!vulkan_test::close_all(got, want, abs_tol, rel_tol, vk_message_)) \
            QFAIL(vk_message_.c_str());                                        \
    } while (0)
