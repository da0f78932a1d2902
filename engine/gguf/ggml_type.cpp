#include "gguf/ggml_type.h"
