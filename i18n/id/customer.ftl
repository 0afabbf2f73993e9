# Customer-facing texts of Tandem: Bahasa Indonesia.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = Halo { $name },
greeting-anonymous = Halo,

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    Salam hangat,
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    Terima kasih atas pesan Anda. Nomor tiket Anda adalah #{ $number }.
    Anggota tim kami akan membalas Anda secara pribadi; kami perkirakan membalas paling lambat { $when }.

    Untuk menambahkan sesuatu, cukup balas email ini dan pertahankan [#{ $number }] di subjek.

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    Terima kasih atas pesan Anda. Nomor tiket Anda adalah #{ $number }.
    Anggota tim kami akan membalas Anda secara pribadi; kami perkirakan membalas paling lambat { $when }.

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = Lihat status permintaan Anda atau tambahkan sesuatu di sini: { $link }

## The line under every automatic answer.
disclosure = Jawaban ini ditulis secara otomatis oleh asisten dukungan kami (tiket #{ $number }). Jika tidak menyelesaikan masalah Anda, balas dengan kata "{ human-word }" dan petugas kami akan mengambil alih.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = manusia
human-phrases = orang sungguhan, manusia asli, bicara dengan agen, bicara dengan petugas, dengan manusia

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = Senin, Selasa, Rabu, Kamis, Jumat, Sabtu, Minggu
months = Januari, Februari, Maret, April, Mei, Juni, Juli, Agustus, September, Oktober, November, Desember
when = { $weekday }, { $day } { $month }, pukul { $time } { $zone }


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Hubungi kami
form-intro = Tulis kepada kami di sini; kami membalas lewat email.
form-name = Nama Anda
form-email = Alamat email Anda
form-subject = Subjek
form-message = Pesan Anda
form-honeypot = Biarkan kolom ini kosong
form-send = Kirim
form-thanks-title = Terima kasih
form-thanks = Pesan Anda kami terima sebagai tiket #{ $number }. Konfirmasi sedang dikirim ke email Anda, dengan tautan untuk memantau dan menambahkan permintaan Anda.
form-thanks-plain = Pesan Anda kami terima. Konfirmasi sedang dikirim ke email Anda, dengan tautan untuk memantau dan menambahkan permintaan Anda.
status-title = Tiket #{ $number }
status-working = Seseorang dari tim kami sedang menanganinya.
status-auto = Kami menjawab secara otomatis.
status-answered = Kami sudah menjawab; kami menunggu kabar dari Anda.
status-solved = Selesai.
status-closed = Ditutup.
status-received = Diterima.
status-expected = Kami perkirakan menjawab paling lambat { $when }.
status-private = Jaga kerahasiaan tautan ini: tautan ini membuka tiket tanpa kata sandi.
status-you = Anda
status-automatic = Jawaban otomatis
status-confirmation = Konfirmasi
status-team = Tim kami
status-rate = Apakah jawaban kami membantu?
status-rate-yes = Ya, membantu
status-rate-no = Tidak
status-rated = Terima kasih atas penilaian Anda. Anda bisa mengubahnya.
status-add = Tambahkan ke permintaan Anda
status-message = Pesan Anda
status-send = Kirim
status-ask-person = Saya ingin dijawab oleh orang
status-asked-person = Anda meminta orang: anggota tim kami akan menjawab, tidak ada lagi jawaban otomatis di sini.
status-done-message = Terima kasih: pesan Anda sudah ditambahkan.
status-done-person = Seseorang dari tim kami akan menjawab; tidak ada lagi jawaban otomatis di sini.
status-done-rated = Terima kasih atas penilaian Anda.
