#include "KeyCipher.h"

#include "SecureRandom.h"

#include <QFile>
#include <QFileInfo>

#include <openssl/evp.h>

#include <memory>

namespace {

constexpr int NonceSize = 12;
constexpr int TagSize = 16;

struct CipherFree
{
    void operator()(EVP_CIPHER_CTX *ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherFree>;

auto bytes(const QByteArray &data)
{
    return reinterpret_cast<const unsigned char *>(data.constData());
}

auto bytes(QByteArray &data)
{
    return reinterpret_cast<unsigned char *>(data.data());
}

// Starts AES-256-GCM with the key, nonce and associated data.
CipherPtr start(bool encrypt, const QByteArray &key, const QByteArray &nonce, const QByteArray &aad)
{
    CipherPtr ctx(EVP_CIPHER_CTX_new());
    int ignored = 0;
    if (!ctx || EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, encrypt ? 1 : 0) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, NonceSize, nullptr) != 1
        || EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(nonce), encrypt ? 1 : 0) != 1
        || EVP_CipherUpdate(ctx.get(), nullptr, &ignored, bytes(aad), int(aad.size())) != 1)
        return {};
    return ctx;
}

} // namespace

KeyCipher::KeyCipher(const QByteArray &key, const QString &path)
    : m_key(key)
    , m_path(path)
{
}

Result<KeyCipher> KeyCipher::fromFile(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return ServerError::startup(QStringLiteral("the key file %1 does not exist").arg(path));
    if (!info.isFile())
        return ServerError::startup(QStringLiteral("the key file %1 is not a regular file").arg(path));
    // Group and others must not read the key that opens every signing key.
    const auto others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
        | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther | QFileDevice::ExeOwner;
    if (info.permissions() & others)
        return ServerError::startup(QStringLiteral("the key file %1 may be read by others than its owner; "
                                                   "make it private with: chmod 600 %1")
                                        .arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return ServerError::startup(QStringLiteral("cannot read the key file %1: %2").arg(path, file.errorString()));
    const QByteArray key = file.read(KeySize + 1);
    if (key.size() != KeySize)
        return ServerError::startup(
            QStringLiteral("the key file %1 holds %2 bytes; it must hold exactly %3 random bytes "
                           "(make one with: head -c 32 /dev/urandom > FILE; chmod 600 FILE)")
                .arg(path)
                .arg(info.size())
                .arg(KeySize));
    return KeyCipher(key, path);
}

Result<void> KeyCipher::createFile(const QString &path)
{
    QFile file(path);
    // NewOnly: two instances starting at once on one data directory keep the first one's key.
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly)
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(SecureRandom::bytes(KeySize)) != KeySize || !file.flush())
        return ServerError::startup(QStringLiteral("cannot create the key file %1: %2").arg(path, file.errorString()));
    return {};
}

QByteArray KeyCipher::seal(const QByteArray &plaintext, const QByteArray &associatedData) const
{
    const QByteArray nonce = SecureRandom::bytes(NonceSize);
    const CipherPtr ctx = start(true, m_key, nonce, associatedData);
    QByteArray out(plaintext.size() + TagSize, Qt::Uninitialized);
    int written = 0;
    int final = 0;
    if (!ctx || EVP_EncryptUpdate(ctx.get(), bytes(out), &written, bytes(plaintext), int(plaintext.size())) != 1
        || EVP_EncryptFinal_ex(ctx.get(), bytes(out) + written, &final) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, TagSize, bytes(out) + written + final) != 1)
        return {};
    out.resize(written + final + TagSize);
    return QByteArray(nonce + out).toBase64();
}

std::optional<QByteArray> KeyCipher::open(const QByteArray &sealed, const QByteArray &associatedData) const
{
    const auto result = QByteArray::fromBase64Encoding(sealed, QByteArray::AbortOnBase64DecodingErrors);
    const QByteArray &decoded = *result;
    if (!result || decoded.size() < NonceSize + TagSize)
        return std::nullopt;
    const QByteArray nonce = decoded.left(NonceSize);
    const QByteArray ciphertext = decoded.mid(NonceSize, decoded.size() - NonceSize - TagSize);
    QByteArray tag = decoded.right(TagSize);
    const CipherPtr ctx = start(false, m_key, nonce, associatedData);
    QByteArray out(ciphertext.size(), Qt::Uninitialized);
    int written = 0;
    int final = 0;
    if (!ctx || EVP_DecryptUpdate(ctx.get(), bytes(out), &written, bytes(ciphertext), int(ciphertext.size())) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, TagSize, tag.data()) != 1
        || EVP_DecryptFinal_ex(ctx.get(), bytes(out) + written, &final) != 1)
        return std::nullopt;
    out.resize(written + final);
    return out;
}
