#pragma once

#include <QString>
#include <QStringView>

// Text another party chose (an upstream's issuer or error, a client's path, a
// database's error about a value) as it may appear in a log line: a line
// break in it would start a line of its own that reads like the server's, a
// bidi override or a terminal escape would change what an operator sees. So
// control and format characters, line and paragraph separators and lone
// surrogates are escaped visibly (\n, \r, \t, \uXXXX, \UXXXXXXXX), a backslash
// is doubled so no escape can be faked, and at most `max` characters are kept
// before an ellipsis.
QString logText(QStringView untrusted, qsizetype max = 200);
