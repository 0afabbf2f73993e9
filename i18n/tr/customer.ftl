# Customer-facing texts of Tandem: Türkçe.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = Merhaba { $name },
greeting-anonymous = Merhaba,

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    Saygılarımızla,
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    Mesajınız için teşekkür ederiz. Talep numaranız #{ $number }.
    Ekibimizden biri size kişisel olarak yanıt verecek; tahmini yanıt zamanı: { $when }.

    Eklemek istediğiniz bir şey varsa bu e-postayı yanıtlayın ve konu satırında [#{ $number }] ifadesini koruyun.

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    Mesajınız için teşekkür ederiz. Talep numaranız #{ $number }.
    Ekibimizden biri size kişisel olarak yanıt verecek; tahmini yanıt zamanı: { $when }.

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = Talebinizin durumunu görmek veya eklemek için: { $link }

## The line under every automatic answer.
disclosure = Bu yanıt destek asistanımız tarafından otomatik olarak yazıldı (talep #{ $number }). Sorununuzu çözmezse "{ human-word }" kelimesiyle yanıt verin, bir çalışanımız devralsın.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = insan
human-phrases = gerçek bir insan, bir insanla, müşteri temsilcisi, temsilciyle, yetkiliyle

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = Pazartesi, Salı, Çarşamba, Perşembe, Cuma, Cumartesi, Pazar
months = Ocak, Şubat, Mart, Nisan, Mayıs, Haziran, Temmuz, Ağustos, Eylül, Ekim, Kasım, Aralık
when = { $day } { $month } { $weekday }, { $time } { $zone }


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Bize ulaşın
form-intro = Bize buradan yazın; e-postayla yanıt veririz.
form-name = Adınız
form-email = E-posta adresiniz
form-subject = Konu
form-message = Mesajınız
form-honeypot = Bu alanı boş bırakın
form-send = Gönder
form-thanks-title = Teşekkürler
form-thanks = Mesajınız #{ $number } numaralı talep olarak bize ulaştı. E-posta adresinize, talebinizi takip edip ekleme yapabileceğiniz bir bağlantıyla onay gönderiliyor.
form-thanks-plain = Mesajınız bize ulaştı. E-posta adresinize, talebinizi takip edip ekleme yapabileceğiniz bir bağlantıyla onay gönderiliyor.
status-title = Talep #{ $number }
status-working = Ekibimizden biri ilgileniyor.
status-auto = Otomatik olarak yanıtladık.
status-answered = Yanıtladık; sizden haber bekliyoruz.
status-solved = Çözüldü.
status-closed = Kapatıldı.
status-received = Alındı.
status-expected = { $when } tarihine kadar yanıt vermeyi bekliyoruz.
status-private = Bu bağlantıyı kimseyle paylaşmayın: talebi parolasız açar.
status-you = Siz
status-automatic = Otomatik yanıt
status-confirmation = Onay
status-team = Ekibimiz
status-rate = Yanıtımız yardımcı oldu mu?
status-rate-yes = Evet, yardımcı oldu
status-rate-no = Hayır
status-rated = Değerlendirmeniz için teşekkürler. Değiştirebilirsiniz.
status-add = Talebinize ekleyin
status-message = Mesajınız
status-send = Gönder
status-ask-person = Bir kişinin yanıt vermesini istiyorum
status-asked-person = Bir kişi istediniz: ekibimizden biri yanıt verecek, burada artık hiçbir şey otomatik yanıtlanmıyor.
status-done-message = Teşekkürler: mesajınız eklendi.
status-done-person = Ekibimizden biri yanıt verecek; burada artık hiçbir şey otomatik yanıtlanmayacak.
status-done-rated = Değerlendirmeniz için teşekkürler.
