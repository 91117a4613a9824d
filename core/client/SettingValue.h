#pragma once

#include <QSettings>
#include <QString>
#include <QVariant>

// Reads a stored value as T; false when it is of another type (a hand-edited
// file, an older or newer version), so the caller keeps the default.
namespace SettingConversion {
bool read(const QVariant &stored, QString *value);
bool read(const QVariant &stored, bool *value);
} // namespace SettingConversion

// One setting, its key, type and default defined once (see Settings.h), as
// qBittorrent's SettingValue<T> does: no caller spells a key or converts a
// QVariant. A stored value of an unexpected type reads as the default.
template<typename T>
class SettingValue
{
public:
    SettingValue(const QString &key, const T &defaultValue = T())
        : m_key(key)
        , m_default(defaultValue)
    {
    }

    const QString &key() const { return m_key; }
    const T &defaultValue() const { return m_default; }

    T get(const QSettings &settings) const
    {
        T value;
        return SettingConversion::read(settings.value(m_key), &value) ? value : m_default;
    }
    void set(QSettings &settings, const T &value) const { settings.setValue(m_key, value); }
    void remove(QSettings &settings) const { settings.remove(m_key); }

private:
    QString m_key;
    T m_default;
};
