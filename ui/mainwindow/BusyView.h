#pragma once

#include <QWidget>

class QLabel;

// A short wait that needs no decision: restoring or finishing a sign-in.
class BusyView : public QWidget
{
    Q_OBJECT
public:
    explicit BusyView(QWidget *parent = nullptr);
    void setText(const QString &text);

private:
    QLabel *m_text;
};
