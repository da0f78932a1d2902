#version 450
// Element-wise ops over n floats, one invocation per element; one module per OP_*:
//   OP_ADD      y = a + b            (bindings a, b, y)
//   OP_MUL      y = a * b            (bindings a, b, y)
//   OP_ADD_ROWS y[i] += b[i % cols]  (bindings y, b: a bias broadcast over rows)
//   OP_SCALE    x *= s               (binding x)
//   OP_SOFTCAP  x = s * tanh(x / s)  (binding x; s is the cap)
layout(local_size_x = 64) in;

#if defined(OP_ADD) || defined(OP_MUL)
layout(binding = 0) readonly buffer A { float a[]; };
layout(binding = 1) readonly buffer B { float b[]; };
layout(binding = 2) writeonly buffer Y { float y[]; };
#elif defined(OP_ADD_ROWS)
layout(binding = 0) buffer Y { float y[]; };
layout(binding = 1) readonly buffer B { float b[]; };
#elif defined(OP_SCALE) || defined(OP_SOFTCAP)
layout(binding = 0) buffer X { float x[]; };
#else
#error "define one OP_*"
#endif

layout(push_constant) uniform Params {
    uint n;
    uint cols;
    float s;
} p;

void main() {
    const uint i = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * 64u +
                   gl_LocalInvocationID.x;
    if (i >= p.n) return;
#if defined(OP_ADD)
    y[i] = a[i] + b[i];
#elif defined(OP_MUL)
    y[i] = a[i] * b[i];
#elif defined(OP_ADD_ROWS)
    y[i] += b[i % p.cols];
#elif defined(OP_SCALE)
    x[i] *= p.s;
#else
    x[i] = tanh(x[i] * (1.0 / p.s)) * p.s;
#endif
}
