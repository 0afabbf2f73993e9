# Customer-facing texts of Tandem: Español.
#
# Every folder in i18n/ has this file with the same messages and the same placeholders
# (a unit test checks it); a language without a folder gets English. To add a language,
# copy i18n/en/customer.ftl to i18n/<ISO 639-1 code>/customer.ftl and translate it.
# Placeholders: $name (the customer's name), $team (who signs), $number (the ticket
# number), $when (a date and time written by the "when" message); $weekday, $day,
# $month, $time and $zone are the parts of a date.


## The first line of every answer, with the customer's name or without one.
greeting = Hola, { $name }:
greeting-anonymous = Hola:

## The last lines of every answer: a sign-off and who signs ($team).
closing =
    Atentamente,
    { $team }

## When a person will answer: the ticket number and the promised time.
acknowledgement =
    Gracias por su mensaje. Su número de ticket es #{ $number }.
    Una persona de nuestro equipo le responderá personalmente, previsiblemente antes del { $when }.

    Si desea añadir algo, responda a este correo manteniendo [#{ $number }] en el asunto.

## The acknowledgement on a chat (Messenger, X): the same promise, no mail to reply to.
acknowledgement-chat =
    Gracias por su mensaje. Su número de ticket es #{ $number }.
    Una persona de nuestro equipo le responderá personalmente, previsiblemente antes del { $when }.

## Under the acknowledgement: the link to the customer's status page ($link).
status-link = Consulte el estado de su solicitud o añada información aquí: { $link }

## The line under every automatic answer.
disclosure = Esta respuesta la ha escrito automáticamente nuestro asistente (ticket #{ $number }). Si no resuelve su problema, responda con la palabra "{ human-word }" (o "human") y una persona se encargará.

## The word a customer replies with to reach a person (named in the disclosure line),
## and phrases that ask for a person (comma-separated; any one of them anywhere in a
## message sends it to a person).
human-word = humano
human-phrases = un humano, persona real, hablar con alguien, un agente

## Dates: weekday names (Monday first) and month names (January first), comma-separated,
## and how a date and time are written.
weekdays = lunes, martes, miércoles, jueves, viernes, sábado, domingo
months = enero, febrero, marzo, abril, mayo, junio, julio, agosto, septiembre, octubre, noviembre, diciembre
when = { $weekday } { $day } de { $month } a las { $time } { $zone }


## The web form (/contact) and the status page (/status/…): $number is the ticket
## number, $when a date written by the "when" message.
form-title = Contacto
form-intro = Escríbanos aquí; respondemos por correo electrónico.
form-name = Su nombre
form-email = Su correo electrónico
form-subject = Asunto
form-message = Su mensaje
form-honeypot = Deje este campo vacío
form-send = Enviar
form-thanks-title = Gracias
form-thanks = Tenemos su mensaje como ticket n.º { $number }. Le llega una confirmación a su correo, con un enlace para seguir su solicitud y añadir información.
form-thanks-plain = Tenemos su mensaje. Le llega una confirmación a su correo, con un enlace para seguir su solicitud y añadir información.
status-title = Ticket n.º { $number }
status-working = Una persona de nuestro equipo se está ocupando.
status-auto = Respondimos automáticamente.
status-answered = Respondimos; esperamos su respuesta.
status-solved = Resuelto.
status-closed = Cerrado.
status-received = Recibido.
status-expected = Esperamos responder antes del { $when }.
status-private = Guarde este enlace en privado: abre este ticket sin contraseña.
status-you = Usted
status-automatic = Respuesta automática
status-confirmation = Confirmación
status-team = Nuestro equipo
status-rate = ¿Le ayudó nuestra respuesta?
status-rate-yes = Sí, me ayudó
status-rate-no = No
status-rated = Gracias por su valoración. Puede cambiarla.
status-add = Añadir a su solicitud
status-message = Su mensaje
status-send = Enviar
status-ask-person = Quiero que me responda una persona
status-asked-person = Pidió hablar con una persona: alguien de nuestro equipo responde y aquí ya no se responde nada automáticamente.
status-done-message = Gracias: se añadió su mensaje.
status-done-person = Una persona de nuestro equipo responderá; aquí ya no se responderá nada automáticamente.
status-done-rated = Gracias por su valoración.
