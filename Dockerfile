# The one binary, for people who run the platform with Docker.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /azizayol ./cmd/azizayol

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /azizayol /azizayol
EXPOSE 8080
ENTRYPOINT ["/azizayol"]
CMD ["serve"]
