#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <optional>

// application/x-www-form-urlencoded, as browsers and OAuth clients send it;
// the one implementation for the server, the client and the tests.
// RFC 6749 section 3.1: a parameter sent twice makes the request invalid,
// so parsing fails and names it in *duplicate.
class FormData
{
public:
    static std::optional<QHash<QString, QString>> parse(QByteArrayView encoded, QString *duplicate);
    // True for an application/x-www-form-urlencoded Content-Type header value.
    static bool isFormContentType(const QByteArray &contentType);
    static QByteArray encode(const QList<std::pair<QString, QString>> &fields);
};
