package io.adapterforge.evaluation.router;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A synthetic, seeded corpus of user turns in three well-separated domains (banking, tech support,
 * legal), half Russian, half English: each query combines an opener, a domain action and a domain
 * object, so train and test rows share vocabulary but rarely whole sentences.
 */
final class RouterTestCorpus {
  static final StructType SCHEMA =
      new StructType().add("adapter_id", DataTypes.StringType).add("text", DataTypes.StringType);

  private static final String[] OPENERS_EN = {
    "Hello,", "Hi,", "Please help:", "Quick question:", ""
  };
  private static final String[] OPENERS_RU = {
    "Здравствуйте,", "Привет,", "Помогите:", "Вопрос:", ""
  };

  private static final String[][] BANKING = {
    {
      "how do I block my",
      "I want to transfer money from my",
      "what is the interest on my",
      "why was I charged a fee on my",
      "how can I raise the limit of my"
    },
    {"credit card", "savings account", "mortgage loan", "debit card", "bank deposit"},
    {
      "как заблокировать мою",
      "хочу перевести деньги с моей",
      "какой процент по моей",
      "почему списали комиссию с моей",
      "как увеличить лимит по моей"
    },
    {"кредитной карте", "банковской карты", "ипотеке", "сберегательного счёта", "вкладу"},
  };
  private static final String[][] TECH = {
    {
      "my laptop will not",
      "the router keeps failing to",
      "after the update my printer cannot",
      "how do I reinstall the driver so it can",
      "the app crashes when I try to"
    },
    {"connect to wifi", "boot windows", "print documents", "sync files", "install updates"},
    {
      "мой ноутбук не может",
      "роутер постоянно не может",
      "после обновления принтер не может",
      "как переустановить драйвер чтобы",
      "приложение вылетает когда пытаюсь"
    },
    {
      "подключиться к wifi",
      "загрузить windows",
      "печатать документы",
      "синхронизировать файлы",
      "установить обновления"
    },
  };
  private static final String[][] LEGAL = {
    {
      "can my landlord terminate the",
      "how do I file a lawsuit about the",
      "is it legal to break the",
      "what does the court say about the",
      "do I need a lawyer to sign the"
    },
    {
      "rental contract",
      "employment agreement",
      "inheritance will",
      "divorce settlement",
      "copyright license"
    },
    {
      "может ли арендодатель расторгнуть",
      "как подать иск в суд по поводу",
      "законно ли нарушить",
      "что говорит суд про",
      "нужен ли адвокат чтобы подписать"
    },
    {
      "договор аренды",
      "трудовой договор",
      "завещание",
      "соглашение о разводе",
      "лицензионный договор"
    },
  };

  private RouterTestCorpus() {}

  static Dataset<Row> queries(SparkSession spark, int perDomain, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < perDomain; i++) {
      rows.add(RowFactory.create("banking", query(BANKING, random)));
      rows.add(RowFactory.create("tech-support", query(TECH, random)));
      rows.add(RowFactory.create("legal", query(LEGAL, random)));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  private static String query(String[][] domain, Random random) {
    boolean russian = random.nextBoolean();
    String[] openers = russian ? OPENERS_RU : OPENERS_EN;
    String[] actions = domain[russian ? 2 : 0];
    String[] objects = domain[russian ? 3 : 1];
    String text =
        openers[random.nextInt(openers.length)]
            + " "
            + actions[random.nextInt(actions.length)]
            + " "
            + objects[random.nextInt(objects.length)]
            + (random.nextBoolean() ? "?" : "");
    return text.strip();
  }
}
