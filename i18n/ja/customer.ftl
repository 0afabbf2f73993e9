# Customer-facing texts of Tandem: 日本語.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = { $name } 様
greeting-anonymous = お客様

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    よろしくお願いいたします。
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    お問い合わせいただきありがとうございます。チケット番号は #{ $number } です。
    担当者が個別にご返信いたします。{ $when }までにご連絡する見込みです。

    追加のご連絡は、件名の [#{ $number }] を残したままこのメールにご返信ください。

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    お問い合わせいただきありがとうございます。チケット番号は #{ $number } です。
    担当者が個別にご返信いたします。{ $when }までにご連絡する見込みです。

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = お問い合わせの状況確認と追記はこちらから: { $link }

## The line under every automatic answer.
disclosure = この回答はサポートアシスタントが自動で作成しました（チケット #{ $number }）。問題が解決しない場合は「{ human-word }」とご返信ください。担当者が対応いたします。

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = 担当者
human-phrases = 担当者, オペレーター, 人間と話, 人と話, スタッフと話, 有人対応

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = 月, 火, 水, 木, 金, 土, 日
months = 1月, 2月, 3月, 4月, 5月, 6月, 7月, 8月, 9月, 10月, 11月, 12月
when = { $month }{ $day }日（{ $weekday }）{ $time }（{ $zone }）


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = お問い合わせ
form-intro = こちらからご連絡ください。メールでお返事します。
form-name = お名前
form-email = メールアドレス
form-subject = 件名
form-message = お問い合わせ内容
form-honeypot = この欄は空のままにしてください
form-send = 送信
form-thanks-title = ありがとうございます
form-thanks = お問い合わせをチケット番号 #{ $number } として受け付けました。確認メールをお送りしています。メール内のリンクから状況の確認や追記ができます。
form-thanks-plain = お問い合わせを受け付けました。確認メールをお送りしています。メール内のリンクから状況の確認や追記ができます。
status-title = チケット #{ $number }
status-working = 担当者が対応しています。
status-auto = 自動でお返事しました。
status-answered = お返事しました。ご連絡をお待ちしています。
status-solved = 解決済み。
status-closed = 終了。
status-received = 受付済み。
status-expected = { $when }までにお返事する予定です。
status-private = このリンクは他の人に教えないでください。パスワードなしでこのチケットを開けます。
status-you = お客様
status-automatic = 自動回答
status-confirmation = 確認
status-team = サポートチーム
status-rate = お返事はお役に立ちましたか？
status-rate-yes = はい、役に立ちました
status-rate-no = いいえ
status-rated = 評価ありがとうございます。変更もできます。
status-add = お問い合わせに追記
status-message = メッセージ
status-send = 送信
status-ask-person = 担当者からの回答を希望します
status-asked-person = 担当者を希望されました。担当者がお返事し、今後は自動回答しません。
status-done-message = ありがとうございます。メッセージを追加しました。
status-done-person = 担当者がお返事します。今後は自動回答しません。
status-done-rated = 評価ありがとうございます。
