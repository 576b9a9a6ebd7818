"""The local stack behind `make run`: an AWS emulator holding the resources infra/ defines,
the sandbox (dev JWT issuer, time travel, queue drain, outbox, later the payment providers),
an event pump that feeds SQS and schedule events to the app's own handlers, and the API."""
