# Compiles every shader variant to SPIR-V in the build directory and embeds the modules in
# a generated source file, added to hearth_engine. Included from engine/CMakeLists.txt.
#
# A variant is NAME:SOURCE[:DEFINE...]; the module is looked up by NAME at run time
# (backend/vulkan/spirv_modules.h). Adding a quant type is one TYPE_* branch in
# dequant.glsl and one line per op family below.
find_program(HEARTH_GLSLANG glslangValidator REQUIRED)

set(HEARTH_SHADER_VARIANTS
  matmul_f32:matmul.comp:TYPE_F32
  matmul_f16:matmul.comp:TYPE_F16
  matmul_bf16:matmul.comp:TYPE_BF16
  quantize_q8_1:quantize_act.comp:ACT_Q8_1
  quantize_q8_k:quantize_act.comp:ACT_Q8_K
  get_rows_f32:get_rows.comp:TYPE_F32
  get_rows_f16:get_rows.comp:TYPE_F16
  get_rows_bf16:get_rows.comp:TYPE_BF16
  get_rows_q4_0:get_rows.comp:TYPE_Q4_0
  get_rows_q4_1:get_rows.comp:TYPE_Q4_1
  get_rows_q5_0:get_rows.comp:TYPE_Q5_0
  get_rows_q5_1:get_rows.comp:TYPE_Q5_1
  get_rows_q8_0:get_rows.comp:TYPE_Q8_0
  get_rows_q4_k:get_rows.comp:TYPE_Q4_K
  get_rows_q5_k:get_rows.comp:TYPE_Q5_K
  get_rows_q6_k:get_rows.comp:TYPE_Q6_K
  rms_norm:rms_norm.comp
  rms_norm_f64:rms_norm.comp:EXACT_F64
  rope:rope.comp
  rope_f64fma:rope.comp:FMA_VIA_F64
  attention_f16:attention.comp:KV_F16
  attention_f32:attention.comp:KV_F32
  attention_exact_f16:attention_exact.comp:FMA_VIA_F64
  attention_exact_tiled_f16:attention_exact.comp:FMA_VIA_F64:TILED
  kv_store_f16:kv_store.comp:KV_F16
  kv_store_f32:kv_store.comp:KV_F32
  silu_gate:activation.comp:SILU_GATE
  silu_gate_f64fma:activation.comp:SILU_GATE:FMA_VIA_F64
  gelu_gate:activation.comp:GELU_GATE
  add:elementwise.comp:OP_ADD
  mul:elementwise.comp:OP_MUL
  add_rows:elementwise.comp:OP_ADD_ROWS
  scale:elementwise.comp:OP_SCALE
  softcap:elementwise.comp:OP_SOFTCAP
)

# Quantized matmuls (matmul_q.comp): matvec_* (1 token per invocation) and matmul_* (4), each
# plain, with an exactly rounded fma from doubles (_f64fma) and/or integer dot products
# (_idot); backend/vulkan/ops_matmul.cpp picks by the device's features.
foreach(type q4_0 q4_1 q5_0 q5_1 q8_0 q4_k q5_k q6_k)
  string(TOUPPER ${type} type_upper)
  foreach(kind_tokens matvec:1 matmul:4)
    string(REPLACE ":" ";" kt ${kind_tokens})
    list(GET kt 0 kind)
    list(GET kt 1 tokens)
    foreach(fma "" _f64fma)
      foreach(idot "" _idot)
        set(variant ${kind}_${type}${fma}${idot}:matmul_q.comp:TYPE_${type_upper}:TOKENS=${tokens})
        if(fma)
          string(APPEND variant :FMA_VIA_F64)
        endif()
        if(idot)
          string(APPEND variant :INT_DOT)
        endif()
        list(APPEND HEARTH_SHADER_VARIANTS ${variant})
      endforeach()
    endforeach()
  endforeach()
endforeach()

set(shader_dir ${CMAKE_CURRENT_LIST_DIR})
set(spv_dir ${CMAKE_BINARY_DIR}/shaders)
file(GLOB shader_includes CONFIGURE_DEPENDS ${shader_dir}/*.glsl)
file(MAKE_DIRECTORY ${spv_dir})

set(spv_files)
set(spv_names)
foreach(variant IN LISTS HEARTH_SHADER_VARIANTS)
  string(REPLACE ":" ";" parts ${variant})
  list(POP_FRONT parts name source)
  set(defines)
  foreach(d IN LISTS parts)
    list(APPEND defines -D${d})
  endforeach()
  set(spv ${spv_dir}/${name}.spv)
  add_custom_command(
    OUTPUT ${spv}
    COMMAND ${HEARTH_GLSLANG} -V --target-env vulkan1.2 -I${shader_dir} ${defines}
            -o ${spv} ${shader_dir}/${source}
    DEPENDS ${shader_dir}/${source} ${shader_includes}
    COMMENT "glslang ${name}"
    VERBATIM)
  list(APPEND spv_files ${spv})
  list(APPEND spv_names ${name})
endforeach()

set(embedded ${CMAKE_BINARY_DIR}/generated/spirv_modules.cpp)
add_custom_command(
  OUTPUT ${embedded}
  COMMAND ${CMAKE_COMMAND} -DOUTPUT=${embedded} -DSPV_DIR=${spv_dir} "-DNAMES=${spv_names}"
          -P ${shader_dir}/embed_spirv.cmake
  DEPENDS ${spv_files} ${shader_dir}/embed_spirv.cmake
  COMMENT "embed SPIR-V modules"
  VERBATIM)
add_custom_target(hearth_shaders DEPENDS ${spv_files})
target_sources(hearth_engine PRIVATE ${embedded})

# Tests run spirv-val over the .spv files here.
set(HEARTH_SPIRV_DIR ${spv_dir} CACHE INTERNAL "compiled shader modules")
set(HEARTH_SHADER_NAMES ${spv_names} CACHE INTERNAL "shader module names")
