// Model::load: the GGUF mapping, the architecture's weights, the tokenizer and the chat
// template, plus the summary (ModelInfo) the app shows.
#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include "backend/cpu/thread_pool.h"
#include "core/error.h"
#include "gguf/gguf_file.h"
#include "json/json.h"
#include "model/model_weights.h"
#include "runtime/engine.h"
#include "runtime/model_impl.h"
#include "template/chat_template.h"
#include "tokenizer/tokenizer.h"

namespace hearth {
namespace {

void report(const LoadOptions& options, float fraction) {
    if (options.progress && !options.progress(fraction)) {
        throw Error(ErrorCode::cancelled, "model loading was cancelled");
    }
}

ModelInfo describe(const gguf::GgufFile& file, const model::Hparams& hp) {
    ModelInfo info;
    info.name = file.get_string("general.name")
                    .value_or(std::filesystem::path(file.path()).stem().string());
    info.architecture = hp.arch;
    std::map<gguf::GgmlType, uint64_t> bytes_by_type;
    for (const auto& t : file.tensors()) {
        info.n_params += t.n_elements;
        if (t.shape.size() >= 2) bytes_by_type[t.type] += t.n_bytes;
    }
    auto dominant =
        std::max_element(bytes_by_type.begin(), bytes_by_type.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    if (dominant != bytes_by_type.end()) {
        std::string name(gguf::ggml_type_name(dominant->first));
        std::transform(name.begin(), name.end(), name.begin(), ::toupper);
        info.file_type = name;
    }
    info.file_size = file.file_size();
    info.context_length = hp.context_length;
    info.n_layers = hp.n_layers;
    info.n_embd = hp.n_embd;
    info.n_heads = hp.n_heads;
    info.n_kv_heads = hp.n_kv_heads;
    info.n_vocab = hp.n_vocab;
    return info;
}

// ChatML, for models without a template of their own.
std::string render_chatml(const std::vector<ChatMessage>& messages, bool add_generation_prompt) {
    std::string out;
    for (const auto& m : messages) {
        out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
    }
    if (add_generation_prompt) out += "<|im_start|>assistant\n";
    return out;
}

}  // namespace

std::shared_ptr<Model> Model::load(const std::string& path, const LoadOptions& options) {
    report(options, 0.0f);
    auto impl = std::make_unique<Impl>();
    impl->file = gguf::GgufFile::open(path);
    report(options, 0.2f);
    impl->weights = ModelWeights::load(*impl->file);
    report(options, 0.6f);
    impl->tokenizer = Tokenizer::from_gguf(*impl->file);
    report(options, 0.8f);

    std::string source = options.chat_template;
    if (source.empty()) source = impl->file->get_string("tokenizer.chat_template").value_or("");
    if (!source.empty()) impl->chat_template = ChatTemplate::parse(source);
    impl->info = describe(*impl->file, impl->weights->hparams());
    impl->info.has_chat_template = !source.empty();
    impl->n_threads = options.n_threads > 0 ? options.n_threads : cpu::ThreadPool::physical_cores();
    impl->device = ComputeDevice::open(options.device, *impl->file, impl->weights->hparams());
    report(options, 1.0f);
    return std::shared_ptr<Model>(new Model(std::move(impl)));
}

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;

const ModelInfo& Model::info() const {
    return impl_->info;
}
const Tokenizer& Model::tokenizer() const {
    return *impl_->tokenizer;
}
const gguf::GgufFile& Model::file() const {
    return *impl_->file;
}
int Model::n_threads() const {
    return impl_->n_threads;
}
DeviceStatus Model::device() const {
    return impl_->device->status();
}

std::string Model::apply_chat_template(const std::vector<ChatMessage>& messages,
                                       bool add_generation_prompt) const {
    if (!impl_->chat_template) return render_chatml(messages, add_generation_prompt);
    json::Array list;
    for (const auto& m : messages) {
        json::Value message;
        message.set("role", m.role);
        message.set("content", m.content);
        list.push_back(std::move(message));
    }
    const Tokenizer& tok = *impl_->tokenizer;
    auto token_text = [&](int32_t id) {
        return id >= 0 && id < tok.n_vocab() ? tok.vocab().tokens[size_t(id)] : std::string();
    };
    json::Value context;
    context.set("messages", std::move(list));
    context.set("add_generation_prompt", add_generation_prompt);
    context.set("bos_token", token_text(tok.bos()));
    context.set("eos_token", token_text(tok.eos()));
    return impl_->chat_template->render(context);
}

const char* finish_reason_name(FinishReason reason) {
    switch (reason) {
        case FinishReason::stop:
            return "stop";
        case FinishReason::length:
            return "length";
        case FinishReason::cancelled:
            return "cancelled";
        case FinishReason::context:
            return "context";
        case FinishReason::error:
            return "error";
    }
    return "unknown";
}

}  // namespace hearth
