#include "SecureRandom.h"

#include "Base64Url.h"

#include <openssl/rand.h>

#include <cstdlib>

QByteArray SecureRandom::bytes(int count)
{
    QByteArray out(count, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), count) != 1) {
        // Without randomness every secret would be guessable: stopping is the only safe answer.
        qFatal("OpenSSL could not produce random bytes");
    }
    return out;
}

QByteArray SecureRandom::token(int count)
{
    return Base64Url::encode(bytes(count));
}
