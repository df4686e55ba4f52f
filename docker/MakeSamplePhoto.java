import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

/** A real JPEG for docker/test-images.sh, made when it runs: java docker/MakeSamplePhoto.java OUT.jpg */
public class MakeSamplePhoto {
  public static void main(String[] args) throws Exception {
    BufferedImage image = new BufferedImage(1600, 1200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.ORANGE, 1600, 1200, Color.BLUE));
    g.fillRect(0, 0, 1600, 1200);
    g.dispose();
    if (!ImageIO.write(image, "jpg", new File(args[0]))) {
      throw new IllegalStateException("no JPEG writer");
    }
  }
}
