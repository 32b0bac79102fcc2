# syntax=docker/dockerfile:1
# Build: docker build -t parley .
# Run:   docker run -p 8080:8080 -v parley-data:/data parley
# Configure with the PARLEY_* environment variables listed in README.md.

FROM node:20-bookworm-slim AS node

FROM maven:3-eclipse-temurin-17 AS build
# Node.js 20 for the browser app's build, which Maven runs with npm.
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 parley \
 && useradd --system --uid 10001 --gid parley --home-dir /app --no-create-home --shell /usr/sbin/nologin parley \
 && mkdir -p /app /data \
 && chown parley:parley /data
WORKDIR /app
COPY --from=build /src/target/parley.jar /app/parley.jar
COPY conf /app/conf
ENV PARLEY_DATA_DIR=/data \
    PARLEY_HTTP_PORT=8080 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
VOLUME /data
EXPOSE 8080
USER parley
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/parley.jar"]
