#include "WalCheckpointer.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTimer>
#include <QUuid>

WalCheckpointer::WalCheckpointer(const QString &databasePath)
{
    m_thread.setObjectName(QStringLiteral("wal-checkpoint"));
    auto *timer = new QTimer;
    timer->setInterval(IntervalMs);
    timer->moveToThread(&m_thread);
    const QString name = QStringLiteral("latchkey-checkpoint-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    // The connection is made, used and closed in the checkpoint thread only.
    QObject::connect(&m_thread, &QThread::started, timer, [timer, name, databasePath] {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(databasePath);
        db.open();
        QSqlQuery(db).exec(QStringLiteral("PRAGMA busy_timeout = 5000"));
        timer->start();
    });
    QObject::connect(timer, &QTimer::timeout, timer, [name] {
        QSqlQuery(QSqlDatabase::database(name, false)).exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
    });
    QObject::connect(&m_thread, &QThread::finished, timer, [timer, name] {
        delete timer;
        QSqlDatabase::database(name, false).close();
        QSqlDatabase::removeDatabase(name);
    });
    m_thread.start();
}

WalCheckpointer::~WalCheckpointer()
{
    m_thread.quit();
    m_thread.wait();
}
