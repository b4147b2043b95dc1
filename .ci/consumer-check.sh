#!/usr/bin/env bash
# A consumer project as a user writes one: it imports emo-bom, depends on emo-core without a version,
# compiles the README's one-liner and runs it. Then the same project switched to emo-gpu must resolve
# ONNX Runtime's GPU build and no CPU build. Needs `mvn install` of this project first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$root/pom.xml" | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/main/java/demo"
pom() { # $1: the emo4j artifact, $2: its type
  cat > "$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>demo</groupId>
  <artifactId>consumer</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>io.github.emo4j</groupId>
        <artifactId>emo-bom</artifactId>
        <version>$version</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>io.github.emo4j</groupId>
      <artifactId>$1</artifactId>
      <type>$2</type>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.13.0</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>3.8.1</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-resources-plugin</artifactId>
        <version>3.3.1</version>
      </plugin>
    </plugins>
  </build>
</project>
POM
}
cat > "$work/src/main/java/demo/Main.java" <<'JAVA'
package demo;

import io.github.emo4j.EmoPipeline;
import io.github.emo4j.Video;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

public class Main {
    public static void main(String[] args) throws Exception {
        BufferedImage img = ImageIO.read(Path.of(args[0]).toFile());
        Path wav = Path.of("voice.wav");
        int n = 12000;
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * n).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(2 * n);
        for (int i = 0; i < n; i++) {
            b.putShort((short) (6000 * Math.sin(i * 0.06) * Math.max(0, Math.sin(i / 16000.0 * 8))));
        }
        Files.write(wav, b.array());

        Video video = EmoPipeline.builder().portrait(img).audio(wav).render();
        video.save(Path.of("talk.mp4"));

        System.out.println("consumer rendered " + video.frameCount() + " frames to talk.mp4");
    }
}
JAVA
cd "$work"
pom emo-core jar
mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=cp.txt
java -cp "target/classes:$(cat cp.txt)" demo.Main "$root/samples/portrait-astronaut.png"
test -s talk.mp4
grep -q "commons-math3-3.6.1.jar" cp.txt || { echo "consumer-check: the consumer did not get commons-math3 3.6.1"; exit 1; }
pom emo-gpu pom
mvn -B -q dependency:tree -DoutputFile=tree.txt
if grep -q "onnxruntime_gpu" tree.txt && ! grep -q "com.microsoft.onnxruntime:onnxruntime:" tree.txt; then
  echo "consumer-check: emo-gpu resolves onnxruntime_gpu and no CPU build"
else
  echo "consumer-check: emo-gpu's tree is wrong:"; cat tree.txt; exit 1
fi
