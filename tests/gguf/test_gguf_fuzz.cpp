// Mutated real GGUF files: truncations, random byte flips in the header / metadata / tensor
// infos, and hostile values written into every kind of length, count, type and dimension
// field. Every mutant must either parse or throw GgufError with an offset inside the file;
// anything else (another exception, a crash, a sanitizer report) fails. Runs under
// ASan/UBSan (label unit).
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cstring>
#include <limits>
#include <random>

#include "gguf/gguf_file.h"
#include "gguf/gguf_json.h"
#include "gguf_builder.h"

using hearth::gguf::GgufError;
using hearth::gguf::GgufFile;
using hearth::gguf::ValueType;

namespace {

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kI64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

template <typename T>
T load(const std::string& b, uint64_t at) {
    T v;
    std::memcpy(&v, b.data() + at, sizeof(T));
    return v;
}
template <typename T>
void store(std::string& b, uint64_t at, T v) {
    std::memcpy(b.data() + at, &v, sizeof(T));
}

// Where each kind of field sits in a valid file; found by walking it independently of the
// reader under test.
struct FieldMap {
    std::vector<uint64_t> string_lengths;  // keys and string values (u64)
    std::vector<uint64_t> array_counts;    // u64
    std::vector<uint64_t> value_types;     // kv value types and array element types (u32)
    std::vector<uint64_t> name_lengths;    // tensor names (u64)
    std::vector<uint64_t> n_dims;          // u32
    std::vector<uint64_t> dims;            // u64
    std::vector<uint64_t> tensor_types;    // u32
    std::vector<uint64_t> tensor_offsets;  // u64
    uint64_t infos_begin = 0;
    uint64_t infos_end = 0;
};

class Walker {
public:
    explicit Walker(const std::string& bytes) : b_(bytes) {}

    FieldMap walk() {
        pos_ = 8;
        const auto n_tensors = u64();
        const auto n_kv = u64();
        for (uint64_t i = 0; i < n_kv; ++i) {
            string(map_.string_lengths);
            map_.value_types.push_back(pos_);
            value(u32());
        }
        map_.infos_begin = pos_;
        for (uint64_t i = 0; i < n_tensors; ++i) {
            string(map_.name_lengths);
            map_.n_dims.push_back(pos_);
            const auto n = u32();
            for (uint32_t d = 0; d < n; ++d) {
                map_.dims.push_back(pos_);
                u64();
            }
            map_.tensor_types.push_back(pos_);
            u32();
            map_.tensor_offsets.push_back(pos_);
            u64();
        }
        map_.infos_end = pos_;
        return map_;
    }

private:
    uint64_t u64() {
        const auto v = load<uint64_t>(b_, pos_);
        pos_ += 8;
        return v;
    }
    uint32_t u32() {
        const auto v = load<uint32_t>(b_, pos_);
        pos_ += 4;
        return v;
    }
    void string(std::vector<uint64_t>& where) {
        where.push_back(pos_);
        pos_ += u64();
    }
    void value(uint32_t type) {
        switch (static_cast<ValueType>(type)) {
            case ValueType::UINT8:
            case ValueType::INT8:
            case ValueType::BOOL:
                pos_ += 1;
                return;
            case ValueType::UINT16:
            case ValueType::INT16:
                pos_ += 2;
                return;
            case ValueType::UINT32:
            case ValueType::INT32:
            case ValueType::FLOAT32:
                pos_ += 4;
                return;
            case ValueType::UINT64:
            case ValueType::INT64:
            case ValueType::FLOAT64:
                pos_ += 8;
                return;
            case ValueType::STRING:
                string(map_.string_lengths);
                return;
            case ValueType::ARRAY: {
                map_.value_types.push_back(pos_);
                const auto element = u32();
                map_.array_counts.push_back(pos_);
                const auto count = u64();
                for (uint64_t i = 0; i < count; ++i)
                    value(element);
                return;
            }
        }
    }

    const std::string& b_;
    uint64_t pos_ = 0;
    FieldMap map_;
};

struct Outcome {
    int parsed = 0;
    int rejected = 0;
};

}  // namespace

class TestGgufFuzz : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string original_;
    std::string mutant_path_;
    FieldMap fields_;
    std::mt19937_64 rng_{0x4747554633ull};
    Outcome outcome_;
    std::string failure_;         // first mutant that neither parsed nor failed cleanly
    volatile unsigned sink_ = 0;  // keeps the reads of tensor data from being optimised out

    // Opens `bytes`; returns true when it parsed. Anything but success or a well-formed
    // GgufError is recorded in failure_ (checked by the caller).
    bool tryOpen(const std::string& bytes, const char* what) {
        if (!hearth::test::write_file(QString::fromStdString(mutant_path_), bytes)) {
            qFatal("cannot write %s", mutant_path_.c_str());
        }
        try {
            const auto file = GgufFile::open(mutant_path_);
            // A file that parses must also be safe to dump and to read tensor data from.
            const std::string json = hearth::gguf::gguf_to_json(*file);
            const std::string text = hearth::gguf::gguf_to_text(*file);
            unsigned sum = json.size() + text.size();
            for (const auto& t : file->tensors()) {
                if (t.n_bytes > 0) sum += t.data[0] + t.data[t.n_bytes - 1];
            }
            sink_ = sink_ + sum;
            ++outcome_.parsed;
            return true;
        } catch (const GgufError& e) {
            const std::string prefix =
                mutant_path_ + ": offset " + std::to_string(e.offset()) + ": ";
            if ((e.offset() > bytes.size() || std::string(e.what()).rfind(prefix, 0) != 0) &&
                failure_.empty()) {
                failure_ = std::string(what) + ": GgufError with a bad offset or message (file " +
                           std::to_string(bytes.size()) + " bytes): " + e.what();
            }
            ++outcome_.rejected;
            return false;
        } catch (const std::exception& e) {
            if (failure_.empty())
                failure_ = std::string(what) + ": unexpected exception: " + e.what();
            return false;
        }
    }

    // Up to `n` positions from `all`: the first, the last and random others.
    std::vector<uint64_t> sample(const std::vector<uint64_t>& all, size_t n) {
        if (all.size() <= n) return all;
        std::vector<uint64_t> out{all.front(), all.back()};
        std::uniform_int_distribution<size_t> pick(1, all.size() - 2);
        while (out.size() < n)
            out.push_back(all[pick(rng_)]);
        return out;
    }

    template <typename T>
    void mutateField(const std::vector<uint64_t>& positions, std::initializer_list<uint64_t> values,
                     const char* kind, std::initializer_list<uint64_t> must_reject) {
        for (uint64_t at : sample(positions, 6)) {
            for (uint64_t v : values) {
                std::string bytes = original_;
                if (static_cast<uint64_t>(load<T>(bytes, at)) == v) continue;
                store<T>(bytes, at, static_cast<T>(v));
                const std::string what =
                    std::string(kind) + " at " + std::to_string(at) + " = " + std::to_string(v);
                const bool parsed = tryOpen(bytes, what.c_str());
                if (parsed && failure_.empty() &&
                    std::find(must_reject.begin(), must_reject.end(), v) != must_reject.end()) {
                    failure_ = "accepted " + what;
                }
            }
        }
    }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void mutants_data() {
        QTest::addColumn<QString>("file");
        const QString data = QStringLiteral(HEARTH_TEST_DATA_DIR);
        QTest::newRow("stories260K") << data + "/models/stories260K.gguf";
        QTest::newRow("llama-2-tiny-random") << data + "/models/llama-2-tiny-random.gguf";
        QTest::newRow("vocab llama-spm") << data + "/tokenizer/ggml-vocab-llama-spm.gguf";
    }
    void mutants() {
        QFETCH(QString, file);
        const QByteArray raw = hearth::test::read_file(file);
        if (raw.isEmpty()) QFAIL(qPrintable("missing test file " + file));
        original_ = raw.toStdString();
        mutant_path_ = dir_.filePath(QStringLiteral("mutant.gguf")).toStdString();
        outcome_ = {};
        failure_.clear();
        QVERIFY2(tryOpen(original_, "original"), failure_.c_str());
        fields_ = Walker(original_).walk();
        const uint64_t size = original_.size();

        // 1. Truncation at every 1/64th: a GGUF file has no optional tail, so all must fail.
        for (uint64_t k = 0; k < 64; ++k) {
            const uint64_t cut = size * k / 64;
            const std::string what = "truncated to " + std::to_string(cut);
            QVERIFY2(!tryOpen(original_.substr(0, cut), what.c_str()), what.c_str());
        }
        QVERIFY2(failure_.empty(), failure_.c_str());

        // 2. Random byte changes: a third anywhere before the tensor data, a third in the
        // first KiB (header and first keys), a third in the tensor infos.
        const uint64_t head_end = std::min<uint64_t>(fields_.infos_end, size);
        for (int m = 0; m < 180; ++m) {
            std::string bytes = original_;
            uint64_t lo = 0;
            uint64_t hi = head_end;
            if (m % 3 == 1) hi = std::min<uint64_t>(1024, head_end);
            if (m % 3 == 2 && fields_.infos_end > fields_.infos_begin) {
                lo = fields_.infos_begin;
                hi = fields_.infos_end;
            }
            std::uniform_int_distribution<uint64_t> where(lo, hi - 1);
            const int n_changes = 1 + static_cast<int>(rng_() % 4);
            for (int c = 0; c < n_changes; ++c)
                bytes[where(rng_)] = static_cast<char>(rng_());
            tryOpen(bytes, ("random bytes #" + std::to_string(m)).c_str());
        }
        QVERIFY2(failure_.empty(), failure_.c_str());

        // 3. Hostile values in typed fields. Those listed last must always be refused.
        mutateField<uint64_t>({8}, {kU64Max, 1ull << 63, size / 24, 0xffffffffull, 0},
                              "tensor count", {kU64Max, 1ull << 63});
        mutateField<uint64_t>({16}, {kU64Max, 1ull << 63, size / 13, 0xffffffffull, 0}, "kv count",
                              {kU64Max, 1ull << 63});
        for (auto* positions : {&fields_.string_lengths, &fields_.name_lengths}) {
            mutateField<uint64_t>(*positions, {kU64Max, 1ull << 63, kI64Max, 1ull << 32, size, 0},
                                  "string length", {kU64Max, 1ull << 63, kI64Max, 1ull << 32});
        }
        mutateField<uint64_t>(fields_.array_counts, {kU64Max, 1ull << 63, 1ull << 32, size, 0},
                              "array count", {kU64Max, 1ull << 63, 1ull << 32});
        mutateField<uint32_t>(fields_.value_types, {0xffffffffu, 13, 9, 8, 0}, "value type",
                              {0xffffffffu, 13});
        mutateField<uint32_t>(fields_.n_dims, {0xffffffffu, 0x80000000u, 5, 4, 0}, "n_dims",
                              {0xffffffffu, 0x80000000u, 5});
        mutateField<uint64_t>(fields_.dims,
                              {kU64Max, 1ull << 63, kI64Max, 1ull << 62, 1ull << 32, 0}, "dim",
                              {kU64Max, 1ull << 63, kI64Max, 1ull << 62, 1ull << 32});
        mutateField<uint32_t>(fields_.tensor_types, {0xffffffffu, 4, 31, 43, 12, 0}, "tensor type",
                              {0xffffffffu, 4, 31, 43});
        mutateField<uint64_t>(fields_.tensor_offsets, {kU64Max - 31, 1ull << 63, size, 1}, "offset",
                              {kU64Max - 31, 1ull << 63, size, 1});

        QVERIFY2(failure_.empty(), failure_.c_str());
        qInfo("%s: %d mutants parsed, %d rejected with GgufError", qPrintable(file),
              outcome_.parsed, outcome_.rejected);
        QVERIFY(outcome_.rejected > 64);
    }
};

QTEST_GUILESS_MAIN(TestGgufFuzz)
#include "test_gguf_fuzz.moc"
