#include "SettingValue.h"

namespace SettingConversion {

bool read(const QVariant &stored, QString *value)
{
    // An INI value with an unquoted comma reads back as a list: not a string we wrote.
    if (stored.typeId() != QMetaType::QString)
        return false;
    *value = stored.toString();
    return true;
}

bool read(const QVariant &stored, bool *value)
{
    if (stored.typeId() == QMetaType::Bool) {
        *value = stored.toBool();
        return true;
    }
    // INI files (and QSettings on Linux) keep booleans as the words QVariant writes.
    if (stored.typeId() != QMetaType::QString)
        return false;
    const QString text = stored.toString();
    if (text != QLatin1String("true") && text != QLatin1String("false"))
        return false;
    *value = text == QLatin1String("true");
    return true;
}

} // namespace SettingConversion
